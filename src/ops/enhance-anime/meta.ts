import type { OperationMeta } from '../operation.ts';

export const meta: OperationMeta = {
  name: 'enhance-anime',
  label: 'Upscale anime ×4',
  description:
    'AI upscaling for anime, manga and illustrations, always ×4: flat colour stays flat and line art stays crisp. Runs Real-ESRGAN AnimeVideo v3 (realesr-animevideov3-x4), the fast compact network. The heavier Real-ESRGAN x4plus anime model (realesrgan-x4plus-anime) is installed too: on a test cartoon it scores 0.5 dB more and keeps edges sharper, but runs about 8× slower on the CPU, so it is not the default.',
  params: {},
  models: ['realesr-animevideov3-x4', 'realesrgan-x4plus-anime'],
  tag: () => 'enhance-anime-x4',
};

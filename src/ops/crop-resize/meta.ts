import type { OperationMeta } from '../operation.ts';
import { cropProblem, maxSide, resizeProblem } from './geometry.ts';

const quad = (description: string, item: Record<string, unknown>) => ({
  type: 'array',
  description,
  items: item,
  minItems: 4,
  maxItems: 4,
});

export const meta: OperationMeta = {
  name: 'crop-resize',
  label: 'Crop & resize',
  description:
    'Crop to a rectangle and/or resize to exact dimensions (Lanczos-3 resampling, transparency kept). The crop comes first.',
  params: {
    crop: {
      type: 'json',
      label: 'Crop',
      help: '{"pixels": [x, y, width, height]} or {"percentage": [x, y, width, height]} (0–100 of the image), measured from the top-left corner; it must lie inside the image.',
      default: null,
      formDefault: { percentage: [0, 0, 100, 100] },
      control: 'crop',
      schema: {
        type: 'object',
        additionalProperties: false,
        oneOf: [{ required: ['pixels'] }, { required: ['percentage'] }],
        properties: {
          pixels: quad('x, y, width, height in pixels', { type: 'integer', minimum: 0 }),
          percentage: quad('x, y, width, height in percent of the image', {
            type: 'number',
            minimum: 0,
            maximum: 100,
          }),
        },
      },
      validate: cropProblem,
    },
    resize: {
      type: 'json',
      label: 'Resize',
      help: '{"width", "height", "maintain_aspect"}: with both sides and maintain_aspect (the default, true) the image fits inside them; with maintain_aspect false it is stretched to exactly them; with one side the other follows the aspect.',
      default: null,
      control: 'resize',
      schema: {
        type: 'object',
        additionalProperties: false,
        anyOf: [{ required: ['width'] }, { required: ['height'] }],
        properties: {
          width: { type: 'integer', minimum: 1, maximum: maxSide },
          height: { type: 'integer', minimum: 1, maximum: maxSide },
          maintain_aspect: { type: 'boolean', default: true },
        },
      },
      validate: resizeProblem,
    },
  },
  models: [],
  check: (params) =>
    params.crop == null && params.resize == null
      ? 'needs crop, resize, or both (at least one is required)'
      : null,
  tag: (params) => {
    const resize = params.resize as { width?: number; height?: number } | null;
    if (!resize) return 'crop';
    const size = `${resize.width ?? 'auto'}x${resize.height ?? 'auto'}`;
    return `${params.crop ? 'crop-resize' : 'resize'}-${size}`;
  },
};

import type { OperationMeta } from '../operation.ts';

export const backgroundTypes = ['color', 'image', 'transparent', 'prompt'] as const;

/** Which parameter each background type reads. */
const typeParam: Record<string, string | null> = {
  color: 'background_color',
  image: 'background_image_key',
  transparent: null,
  prompt: 'background_prompt',
};

const HEX_COLOR = /^#[0-9A-Fa-f]{6}$/;

/**
 * The generative model a prompt needs. None exists that runs in a browser tab from an npm
 * package with its weights, so a prompt is refused when the job is created, not when it runs.
 */
export const PROMPT_REFUSAL =
  'background_type "prompt" needs a text-to-image model to paint the scene, and this version of Kintsugi has none (models/manifest.json lists no generative model); use "color", "image" or "transparent"';

export const meta: OperationMeta = {
  name: 'replace-background',
  label: 'Replace background',
  description:
    'Cuts the subject out with ISNet and puts it over a colour, another image, or nothing, with its soft edges mixed in (premultiplied) and cleaned of the old background.',
  params: {
    background_type: {
      type: 'enum',
      label: 'Background',
      help: 'color: a plain colour (background_color); image: another picture (background_image_key), scaled to cover the photo; transparent: a cut-out PNG; prompt: a generated scene (needs a model this version does not have).',
      default: 'color',
      choices: backgroundTypes,
      choiceLabels: {
        color: 'Colour',
        image: 'Picture',
        transparent: 'Transparent',
        prompt: 'Described scene (not available)',
      },
      hiddenChoices: ['prompt'],
      required: true,
    },
    background_color: {
      type: 'json',
      label: 'Colour',
      help: 'For background_type color: the colour as #RRGGBB, e.g. #FFFFFF for white.',
      default: null,
      formDefault: '#FFFFFF',
      shownWhen: { param: 'background_type', equals: 'color' },
      control: 'colour',
      schema: { type: 'string', pattern: HEX_COLOR.source, examples: ['#FFFFFF'] },
      validate: (v) => (typeof v === 'string' && HEX_COLOR.test(v) ? null : 'must be #RRGGBB'),
    },
    background_image_key: {
      type: 'json',
      label: 'Background image',
      help: 'For background_type image: the storage_key of an image uploaded to /api/v1/upload/api with the same API key.',
      default: null,
      shownWhen: { param: 'background_type', equals: 'image' },
      control: 'upload',
      // `format: storage-key` makes the operations dialect check that the upload exists.
      schema: { type: 'string', format: 'storage-key', examples: ['uploads/key-id/abc.jpg'] },
      validate: (v) =>
        typeof v === 'string' && v.length > 0 && v.length <= 500
          ? null
          : 'must be the storage_key of an upload',
    },
    background_prompt: {
      type: 'json',
      label: 'Prompt',
      help: 'For background_type prompt: a description of the scene. Not available in this version.',
      default: null,
      shownWhen: { param: 'background_type', equals: 'prompt' },
      schema: { type: 'string', maxLength: 1000 },
      validate: (v) =>
        typeof v === 'string' && v.length <= 1000
          ? null
          : 'must be text of at most 1000 characters',
    },
  },
  models: ['isnet'],
  check: (params) => {
    const type = String(params.background_type);
    if (type === 'prompt') return PROMPT_REFUSAL;
    const needed = typeParam[type];
    if (needed && (params[needed] === null || params[needed] === undefined)) {
      return `background_type "${type}" needs ${needed}`;
    }
    for (const [other, name] of Object.entries(typeParam)) {
      if (name && other !== type && params[name] !== null && params[name] !== undefined) {
        return `${name} is only read with background_type "${other}", not "${type}"`;
      }
    }
    return null;
  },
  tag: (params) => `background-${String(params.background_type)}`,
};

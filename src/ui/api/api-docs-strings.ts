import type { ApiDialect } from '@/api/limits-config.ts';

/** Every text the API page shows, in one place so it can be translated. */
export const apiDocsStrings = {
  open: 'API',
  close: 'Close',
  dialogLabel: 'Kintsugi API',
  loading: 'Loading the API page…',
  heading: 'API',
  intro:
    'The service worker answers the job APIs of four hosted services at this origin. A script on this origin keeps its requests and changes only the base URL and the key: nothing leaves the device.',
  keyHelp:
    'Create a key under Settings → API keys. One key works in every dialect; its format only picks the prefix a client may expect.',
  openApi: 'OpenAPI 3.1 document',
  openApiHelp: 'every route, field, enum and limit, generated from the same code as the validators',
  basePath: 'Base path',
  basePaths: 'Base paths',
  hostedBase: 'Hosted base URL',
  auth: 'Authentication',
  authHelp: 'Send the key as a Bearer token, exactly as the hosted service asks:',
  endpoints: 'Endpoints',
  method: 'Method',
  path: 'Path',
  summary: 'What it does',
  examples: 'Examples',
  hostedCurl: 'The hosted request (curl)',
  hereFetch: 'The same request here (fetch)',
  flow: 'Complete example',
  copy: 'Copy',
  copyNamed: (what: string) => `Copy ${what}`,
  copied: 'Copied',
  copyFailed: 'Copy failed: select the code and copy it by hand',
  dialects: {
    restorations: {
      service: 'PicRenew restorations',
      about:
        'Restore a photo given by URL with a preset; poll it or receive a webhook when it is complete.',
    },
    operations: {
      service: 'EnhanceCraft uploads and operation jobs',
      about: 'Upload an image for a storage key, then run a job of one or more operations on it.',
    },
    upscale: {
      service: 'upres.ai upscaling',
      about:
        'Upscale an image sent as a multipart file or by URL; the result is a signed URL valid for an hour.',
    },
    video: {
      service: 'Retroiva video enhancement',
      about:
        'Enhance a video given by URL; poll its progress, fetch a signed download URL, or cancel it.',
    },
  } satisfies Record<ApiDialect, { service: string; about: string }>,
  exampleTitles: {
    'restorations.create': 'Create a restoration, with a webhook',
    'restorations.list': 'List your 50 most recent restorations',
    'restorations.get': 'Get a restoration',
    'restorations.delete': 'Delete a complete or failed restoration',
    'operations.upload': 'Upload an image',
    'operations.create': 'Create a job',
    'operations.get': 'Get job status',
    'upscale.createJson': 'Create an upscale job from a URL',
    'upscale.createForm': 'Create an upscale job from a file (multipart)',
    'upscale.list': 'List completed jobs',
    'upscale.get': 'Get a job',
    'video.enhance': 'Create an enhancement job',
    'video.get': 'Get a job’s status and progress',
    'video.list': 'List jobs',
    'video.download': 'Get a signed download URL',
    'video.cancel': 'Cancel a job',
  },
  flowTitles: {
    restorations: 'Create with a webhook, then poll until complete',
    operations: 'Upload, create a job, poll until completed',
    upscale: 'Multipart create, poll, download result_url',
    video: 'Enhance, poll, download, or cancel',
  } satisfies Record<ApiDialect, string>,
  tryIt: {
    heading: 'Try it',
    help: 'Sends a real request from this page through the service worker, as a script of this origin would.',
    endpoint: 'Endpoint',
    pathParam: (name: string) => `Path parameter ${name}`,
    query: 'Query string',
    queryPlaceholder: 'limit=10&status=completed',
    key: 'API key',
    keyPlaceholder: 'paste a key made in Settings',
    body: 'Request body',
    bodyHelpJson: 'JSON, sent as written with Content-Type: application/json.',
    bodyHelpForm:
      'A JSON object whose fields are sent as multipart form fields beside the file; without a file it is sent as JSON.',
    noBody: 'This request has no body.',
    file: (field: string) => `File (form field “${field}”)`,
    send: 'Send request',
    sending: 'Sending…',
    badJson: (message: string) => `The request body must be a JSON object here: ${message}`,
    missingParam: (name: string) => `Fill in the path parameter ${name}.`,
    networkError: (message: string) => `The request failed before an answer came: ${message}`,
  },
  response: {
    label: 'Response',
    none: 'No request sent yet.',
    statusLine: (status: number, text: string) => `HTTP ${status}${text ? ` ${text}` : ''}`,
    took: (ms: number) => `${Math.round(ms)} ms`,
    headers: 'Headers',
    body: 'Body',
    empty: '(empty body)',
    image: 'Response image',
    imageSize: (width: number, height: number, bytes: number) =>
      `${width}×${height}, ${bytes.toLocaleString()} bytes`,
    binary: (type: string, bytes: number) => `${bytes.toLocaleString()} bytes of ${type}`,
    follow: (field: string) => `GET ${field}`,
    followHelp: 'Fetch a URL of this answer in the console:',
  },
} as const;

export type ExampleId = keyof typeof apiDocsStrings.exampleTitles;

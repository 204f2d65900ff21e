// The example of same-origin-api.html: the EnhanceCraft "Complete Example" (upload, create job,
// poll for completion) written with fetch against this origin, then the output shown.

const BASE = location.origin;

const $ = (id) => document.getElementById(id);

function say(id, text) {
  $(id).textContent = text;
}

// Reads a JSON answer; a 4xx or 5xx becomes an error carrying the API's own message.
async function json(response) {
  const body = await response.json();
  if (!response.ok) {
    throw new Error(`HTTP ${response.status}: ${body.detail ?? JSON.stringify(body)}`);
  }
  return body;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function enhance(file, key) {
  const headers = { Authorization: `Bearer ${key}` };

  // 1. Upload image
  say('progress', 'Uploading…');
  const form = new FormData();
  form.append('file', file);
  const upload = await json(
    await fetch(`${BASE}/api/v1/upload/api`, { method: 'POST', headers, body: form }),
  );

  // 2. Create job
  const job = await json(
    await fetch(`${BASE}/api/v1/jobs/api`, {
      method: 'POST',
      headers: { ...headers, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        input_key: upload.storage_key,
        operations: [{ type: 'enhance', params: { scale: 2 } }],
      }),
    }),
  );

  // 3. Poll for completion
  for (;;) {
    const current = await json(await fetch(`${BASE}/api/v1/jobs/api/${job.id}`, { headers }));
    say('progress', `Job ${current.id}: ${current.status}`);
    if (current.status === 'completed') return current;
    if (current.status === 'failed') throw new Error(current.error_message);
    await sleep(1000);
  }
}

async function show(job) {
  // output_url is signed and expiring: it needs no key.
  const image = await (await fetch(job.output_url)).blob();
  const url = URL.createObjectURL(image);
  const output = $('output');
  output.src = url;
  await output.decode();
  say('size', `${output.naturalWidth}×${output.naturalHeight}`);
  $('download').href = url;
  $('result').hidden = false;
}

// Set by /engine.js, which runs first: module scripts run in document order.
const engine = window.kintsugiEngine ?? {
  backend: 'none',
  ready: Promise.reject(new Error('/engine.js did not load')),
};
engine.ready.then(
  () => say('engine', `Engine ready (backend: ${engine.backend}).`),
  (error) => say('engine', `The engine did not start: ${error.message}`),
);

$('enhance').addEventListener('submit', async (event) => {
  event.preventDefault();
  const file = $('image').files[0];
  const key = $('key').value.trim();
  if (!file || !key) return;
  say('error', '');
  $('result').hidden = true;
  const button = event.submitter;
  button.disabled = true;
  try {
    await engine.ready;
    await show(await enhance(file, key));
  } catch (error) {
    say('error', error.message);
  } finally {
    button.disabled = false;
  }
});

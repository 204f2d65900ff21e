// The script of same-origin.html: the operations API through Kintsugi.api, no hand-written fetch.
import { Kintsugi } from '/client.js';

const $ = (id) => document.getElementById(id);
const say = (id, text) => ($(id).textContent = text);

// Set by /engine.js, which runs first: module scripts run in document order.
const engine = window.kintsugiEngine ?? {
  backend: 'none',
  ready: Promise.reject(new Error('/engine.js did not load')),
};
engine.ready.then(
  () => say('engine', `Engine ready (backend: ${engine.backend}).`),
  (error) => say('engine', `The engine did not start: ${error.message}`),
);

$('convert').addEventListener('submit', async (event) => {
  event.preventDefault();
  const file = $('image').files[0];
  const key = $('key').value.trim();
  if (!file || !key) return;
  const button = event.submitter;
  button.disabled = true;
  say('error', '');
  $('result').hidden = true;
  try {
    await engine.ready;
    const api = Kintsugi.api(location.origin, key);
    const upload = await api.operations.upload(file);
    const created = await api.operations.create({
      input_key: upload.storage_key,
      operations: [{ type: 'convert', params: { output_format: 'webp' } }],
    });
    say('progress', `Job ${created.id}: ${created.status}`);
    const job = await api.wait(async () => {
      const current = await api.operations.get(created.id);
      say('progress', `Job ${current.id}: ${current.status}`);
      return current;
    });
    if (job.status !== 'completed') throw new Error(job.error_message ?? `Job ${job.status}`);
    const blob = await api.operations.download(job.id);
    const output = $('output');
    output.src = URL.createObjectURL(blob);
    await output.decode();
    say('size', `${output.naturalWidth}×${output.naturalHeight} ${blob.type}`);
    $('result').hidden = false;
  } catch (error) {
    say('error', error.message);
  } finally {
    button.disabled = false;
  }
});

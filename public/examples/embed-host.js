// The script of embed-host.html: Kintsugi in an iframe, driven through client.js.
import { Kintsugi } from '../client.js';

const $ = (id) => document.getElementById(id);
const say = (id, text) => ($(id).textContent = text);
const log = (text) => {
  const item = document.createElement('li');
  item.textContent = text;
  $('events').append(item);
};

const query = new URLSearchParams(location.search);
const app = new URL(query.get('app') ?? location.origin).origin;
const iframe = $('kintsugi');
// ?ui=none passes through: the frame then shows nothing but its permission prompt.
iframe.src = `${app}/embed${query.get('ui') === 'none' ? '?ui=none' : ''}`;
const kintsugi = Kintsugi.embed(iframe, { origin: app });

kintsugi.ready.then(
  ({ capabilities: c }) =>
    say(
      'engine',
      `Kintsugi ready: ${c.backend}, ${c.threads} thread(s), ${
        c.cross_origin_isolated ? '' : 'not '
      }cross-origin isolated.`,
    ),
  (error) => say('engine', `Kintsugi did not answer: ${error.message}`),
);

$('resize').addEventListener('submit', async (event) => {
  event.preventDefault();
  const file = $('image').files[0];
  if (!file) return;
  const button = event.submitter;
  button.disabled = true;
  say('error', '');
  $('result').hidden = true;
  $('events').replaceChildren();
  try {
    const resize = {
      width: Number($('width').value),
      height: Number($('height').value),
      maintain_aspect: false,
    };
    const job = await kintsugi.createJob(file, [{ type: 'crop-resize', params: { resize } }]);
    log(`accepted ${job.id}`);
    job.onProgress((update) => {
      $('progress').value = update.progress;
      log(`${update.status} ${update.progress.toFixed(3)}`);
    });
    const blob = await job.result;
    const output = $('output');
    output.src = URL.createObjectURL(blob);
    await output.decode();
    say('size', `${output.naturalWidth}×${output.naturalHeight} ${blob.type}, ${blob.size} bytes`);
    $('result').hidden = false;
  } catch (error) {
    say('error', `${error.code ?? 'error'}: ${error.message}`);
  } finally {
    button.disabled = false;
  }
});

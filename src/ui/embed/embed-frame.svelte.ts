import type { EmbedJob } from '@/client/client.ts';
import type { Answer } from '@/embed/bridge.ts';

export interface Prompt {
  origin: string;
  answer(answer: Answer): void;
}

/** Where a grant window's answer travels back to the frame that opened it. */
export const GRANT_CHANNEL = 'kintsugi-embed-grant';

/** What a grant window sends: the nonce of the frame's request, and the person's answer. */
export interface GrantMessage {
  type: 'kintsugi-grant';
  nonce: string;
  origin: string;
  answer: Answer;
}

function isGrant(data: unknown, nonce: string, origin: string): data is GrantMessage {
  const message = data as Partial<GrantMessage> | null;
  return (
    message?.type === 'kintsugi-grant' &&
    message.nonce === nonce &&
    message.origin === origin &&
    (message.answer === 'once' || message.answer === 'always' || message.answer === 'deny')
  );
}

/** What the embed frame shows: the origins waiting for the user's answer, and its jobs. */
export class EmbedFrameView {
  prompts = $state.raw<Prompt[]>([]);
  jobs = $state.raw<EmbedJob[]>([]);

  readonly ask = (origin: string): Promise<Answer> =>
    new Promise((resolve) => {
      const prompt: Prompt = {
        origin,
        answer: (answer) => {
          if (!this.prompts.includes(prompt)) return;
          this.prompts = this.prompts.filter((p) => p !== prompt);
          resolve(answer);
        },
      };
      this.prompts = [...this.prompts, prompt];
    });

  readonly show = (job: EmbedJob): void => {
    const others = this.jobs.filter((j) => j.id !== job.id);
    this.jobs = [job, ...others].sort((a, b) => b.created_at - a.created_at);
  };

  /**
   * Asks in a top-level Kintsugi window, which no other site can cover, where this browser
   * cannot tell whether the frame is visible. The window's answer comes back by postMessage to
   * its opener (kept where the embedding page allows it) or on a BroadcastChannel of this origin,
   * and only with the nonce of this request.
   */
  readonly grantInWindow = (prompt: Prompt): void => {
    const nonce = crypto.randomUUID();
    const url = `/embed?grant=${encodeURIComponent(prompt.origin)}&nonce=${nonce}`;
    const channel = new BroadcastChannel(GRANT_CHANNEL);
    const done = (answer: Answer) => {
      channel.close();
      removeEventListener('message', onMessage);
      prompt.answer(answer);
    };
    channel.onmessage = (event: MessageEvent) => {
      if (isGrant(event.data, nonce, prompt.origin)) done(event.data.answer);
    };
    const onMessage = (event: MessageEvent) => {
      if (event.origin === location.origin && isGrant(event.data, nonce, prompt.origin))
        done(event.data.answer);
    };
    addEventListener('message', onMessage);
    window.open(url, `kintsugi-grant-${nonce}`, 'popup,width=520,height=360');
  };
}

/** The answer of a grant window, sent to the frame that opened it; then the window closes. */
export function sendGrant(message: GrantMessage): void {
  const channel = new BroadcastChannel(GRANT_CHANNEL);
  channel.postMessage(message);
  channel.close();
  const opener = window.opener as WindowProxy | null;
  opener?.postMessage(message, location.origin);
}

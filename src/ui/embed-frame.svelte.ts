import type { EmbedJob } from '../client/client.ts';
import type { Answer } from '../embed/bridge.ts';

interface Prompt {
  origin: string;
  answer(answer: Answer): void;
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
}

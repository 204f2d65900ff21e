import {
  type ApiDialect,
  type LimitsConfig,
  type LimitsOverrides,
  overrideProblems,
  resolveLimits,
} from '@/api/limits-config.ts';
import type { ApiRecords } from '@/api/store/records.ts';

const KEY = 'limits';

/** The API limits as Settings edits them: only changed values are stored, as overrides. */
class LimitsView {
  overrides = $state<LimitsOverrides>({});
  effective = $derived<LimitsConfig>(resolveLimits(this.overrides));
  problems = $state<string[]>([]);
  private records: ApiRecords | null = null;

  async connect(records: ApiRecords): Promise<void> {
    this.records = records;
    this.overrides = (await records.setting<LimitsOverrides>(KEY)) ?? {};
  }

  async set(dialect: ApiDialect, field: 'perMinute' | 'monthlyQuota', value: number | null) {
    const next = structuredClone($state.snapshot(this.overrides)) as LimitsOverrides;
    next.dialects = {
      ...next.dialects,
      [dialect]: { ...next.dialects?.[dialect], [field]: value },
    };
    await this.save(next);
  }

  async setRetention(dialect: ApiDialect, days: number | null) {
    const next = structuredClone($state.snapshot(this.overrides)) as LimitsOverrides;
    next.retention = {
      ...next.retention,
      [dialect]: { ...next.retention?.[dialect], outputDays: days },
    };
    await this.save(next);
  }

  private async save(next: LimitsOverrides): Promise<void> {
    this.problems = overrideProblems(next);
    if (this.problems.length || !this.records) return;
    this.overrides = next;
    await this.records.putSetting(KEY, next);
  }
}

export const limitsView = new LimitsView();

import AxeBuilder from '@axe-core/playwright';
import { type Page, expect } from '@playwright/test';

/** axe-core's WCAG 2.x A and AA rules; serious and critical findings fail the test. */
export async function expectNoSeriousViolations(page: Page, label: string) {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
    .analyze();
  const serious = results.violations.filter(
    (v) => v.impact === 'serious' || v.impact === 'critical',
  );
  const report = serious.map(
    (v) =>
      `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.map((n) => n.target.join(' ')).join('\n  ')}`,
  );
  expect(report, `${label}: ${report.join('\n')}`).toEqual([]);
  // The check really looked: the page has passes, not an empty or blocked scan.
  expect(results.passes.length).toBeGreaterThan(10);
  for (const v of results.violations)
    console.log(`${label}: ${v.impact} ${v.id}: ${v.nodes.length}`);
  return results;
}

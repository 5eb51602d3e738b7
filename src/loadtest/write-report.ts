import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LoadtestReport } from './report.js';
import { renderReportHtml } from './report-html.js';

export async function writeReport(report: LoadtestReport, dir: string): Promise<{ json: string; html: string }> {
  await mkdir(dir, { recursive: true });
  const json = join(dir, 'report.json');
  const html = join(dir, 'report.html');
  await writeFile(json, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(html, renderReportHtml(report));
  return { json, html };
}

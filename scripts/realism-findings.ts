/**
 * Refresh §10 of docs/findings.md from docs/realism/<model>.json (the outputs of `atlas realism`, see
 * scripts/realismSummary.ts), in place, without rerunning the other findings:
 *   node --import tsx scripts/realism-findings.ts
 */
import fs from 'node:fs';
import path from 'node:path';
import { findingsRealismSection, readRealismRuns } from './realismSummary';

const docs = path.resolve(import.meta.dirname, '..', 'docs');
const file = path.join(docs, 'findings.md');
const doc = fs.readFileSync(file, 'utf8');
const section = findingsRealismSection(readRealismRuns(docs), docs).join('\n') + '\n';
const at = doc.indexOf('## 10. Realism'), end = doc.indexOf('## Reproduce');
if (end < 0) throw new Error('docs/findings.md has no "## Reproduce" section to put §10 before.');
fs.writeFileSync(file, at >= 0 ? doc.slice(0, at) + section + doc.slice(end) : doc.slice(0, end) + section + doc.slice(end));
console.log(`§10 written from ${readRealismRuns(docs).length} run(s).`);

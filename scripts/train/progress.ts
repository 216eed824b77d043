/** One progress line per report: step, rate, ETA and the latest losses. */
export function progressLine(id: string, step: number, total: number, secPerStep: number, extra: Record<string, number>): string {
  const eta = (total - step) * secPerStep;
  const etaText = eta > 3600 ? `${(eta / 3600).toFixed(1)} h` : eta > 60 ? `${(eta / 60).toFixed(1)} min` : `${eta.toFixed(0)} s`;
  const parts = Object.entries(extra).map(([k, v]) => `${k} ${Number.isInteger(v) ? v : v.toFixed(4)}`);
  return `[${id}] step ${step}/${total}  ${secPerStep.toFixed(3)} s/step  ETA ${etaText}  ${parts.join('  ')}`;
}

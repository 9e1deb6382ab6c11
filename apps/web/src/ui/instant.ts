/** Instants (the engine records them in UTC) as a cadre reads them: China time, to the second. */
export function chinaTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(date);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}:${part('second')}`;
}

/** An identity number or a person's name must never go into a URL: what looks like one is refused before it does. */
export function looksPersonal(value: string): boolean {
  return /^\d{17}[\dXx]$/.test(value.trim()) || /[\u3400-\u9fff]/.test(value);
}

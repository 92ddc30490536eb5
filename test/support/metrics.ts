/** One metric of `GET /metrics`, by its labels joined as `name=value,…`, as the API exposes it. */
export async function scrapeMetric(apiUrl: string, metric: string, headers: Record<string, string> = {}): Promise<Map<string, number>> {
  const text = await (await fetch(`${apiUrl}/metrics`, { headers })).text();
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = new RegExp(`^${metric}\\{([^}]*)\\} (\\S+)$`).exec(line);
    if (match) values.set(match[1].replaceAll('"', ''), Number(match[2]));
  }
  return values;
}

/** `agent_failures_total` by reason, over every agent. */
export async function agentFailures(apiUrl: string): Promise<Map<string, number>> {
  const byReason = new Map<string, number>();
  for (const [labels, value] of await scrapeMetric(apiUrl, 'agent_failures_total')) {
    const reason = /reason=([^,]*)/.exec(labels)?.[1] ?? '';
    byReason.set(reason, (byReason.get(reason) ?? 0) + value);
  }
  return byReason;
}

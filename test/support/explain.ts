/**
 * What the cost tests (listing-cost, background-cost) share: recording the statements the gateway
 * sends on its pg clients, running one under `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)` with the
 * very same values, and reading the plan.
 */
import type { Client } from 'pg';

/** One call the gateway made on a pg client. */
export interface Statement {
  text: string;
  values: unknown[];
  name?: string;
}

/** A node of `EXPLAIN (FORMAT JSON)`; only the keys the tests read. */
export interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Scan Direction'?: string;
  'Index Cond'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Index Recheck'?: number;
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
  Plans?: PlanNode[];
}

export interface Explained {
  plan: PlanNode;
  executionMs: number;
}

/**
 * Turns the arguments of a spied `client.query` call into a Statement. pg caches a named
 * statement's text on first use and a later call may name it only: the returned function
 * remembers the texts it has seen.
 */
export function statementReader(): (args: unknown[]) => Statement {
  const textsByName = new Map<string, string>();
  return (args) => {
    const [first, second] = args;
    if (typeof first === 'string') return { text: first, values: Array.isArray(second) ? second : [] };
    // A config object ({ text, values, name }) or a submittable (Query, cursor) carrying the same.
    const config = (first ?? {}) as { text?: unknown; values?: unknown; name?: unknown };
    const name = typeof config.name === 'string' ? config.name : undefined;
    let text = typeof config.text === 'string' ? config.text : undefined;
    if (name !== undefined) {
      if (text !== undefined) textsByName.set(name, text);
      else text = textsByName.get(name);
    }
    const values = Array.isArray(second) ? second : Array.isArray(config.values) ? config.values : [];
    return { text: text ?? `<unknown text of prepared statement ${name}>`, values, name };
  };
}

/** `text` with `values` under EXPLAIN ANALYZE on `db` (it runs: wrap a write in a rolled-back transaction). */
export async function explainAnalyze(db: Client, text: string, values: unknown[]): Promise<Explained> {
  const res = await db.query<{ 'QUERY PLAN': [{ Plan: PlanNode; 'Execution Time': number }] }>(
    `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${text}`,
    values,
  );
  const [top] = res.rows[0]!['QUERY PLAN'];
  return { plan: top.Plan, executionMs: top['Execution Time'] };
}

/** The plan's nodes, depth first. */
export function flattenPlan(node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(flattenPlan)];
}

export const blocksOf = (node: PlanNode) =>
  (node['Shared Hit Blocks'] ?? 0) + (node['Shared Read Blocks'] ?? 0);

/** One line per plan: node types (with direction, index and relation), actual rows, buffers, time. */
export function summarizePlan({ plan, executionMs }: Explained): string {
  const nodes = flattenPlan(plan).map((n) => {
    const direction = n['Scan Direction'] === 'Backward' ? ' Backward' : '';
    const index = n['Index Name'] ? ` using ${n['Index Name']}` : '';
    const relation = n['Relation Name'] ? ` on ${n['Relation Name']}` : '';
    const removed = n['Rows Removed by Filter'] ? ` removed=${n['Rows Removed by Filter']}` : '';
    return `${n['Node Type']}${direction}${index}${relation} (rows=${n['Actual Rows']} loops=${n['Actual Loops']}${removed} buffers=${blocksOf(n)})`;
  });
  return `${nodes.join(' -> ')}; execution ${executionMs.toFixed(3)} ms`;
}

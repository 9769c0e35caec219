/**
 * ConsumedCapacity as DynamoDB charges it: reads in 4 KB units (half for eventually
 * consistent reads), writes in 1 KB units, transactions double.
 */
import { validation } from "./errors.js";

export function readUnits(bytes: number, consistent: boolean): number {
  const units = Math.max(1, Math.ceil(bytes / 4096));
  return consistent ? units : units / 2;
}

export function writeUnits(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / 1024));
}

export interface Usage {
  table: number;
  indexes?: Record<string, { units: number; global: boolean }>;
}

/**
 * The ConsumedCapacity member for ReturnConsumedCapacity TOTAL / INDEXES, or undefined for
 * NONE. DynamoDB splits the units into ReadCapacityUnits / WriteCapacityUnits only in
 * transactional answers (TransactGetItems, TransactWriteItems, ExecuteTransaction);
 * every other operation reports the aggregate CapacityUnits alone (`split` false).
 */
export function consumedCapacity(mode: string | undefined, tableName: string, usage: Usage, kind: "read" | "write", split = false): any {
  if (mode !== "TOTAL" && mode !== "INDEXES") return undefined;
  const indexes = Object.entries(usage.indexes ?? {});
  const total = usage.table + indexes.reduce((s, [, i]) => s + i.units, 0);
  const field = kind === "read" ? "ReadCapacityUnits" : "WriteCapacityUnits";
  const out: any = { TableName: tableName, ...capacityUnits(total, split, field) };
  if (mode === "INDEXES") {
    out.Table = capacityUnits(usage.table, split, field);
    const gsi = indexes.filter(([, i]) => i.global);
    const lsi = indexes.filter(([, i]) => !i.global);
    if (gsi.length) out.GlobalSecondaryIndexes = Object.fromEntries(gsi.map(([n, i]) => [n, capacityUnits(i.units, split, field)]));
    if (lsi.length) out.LocalSecondaryIndexes = Object.fromEntries(lsi.map(([n, i]) => [n, capacityUnits(i.units, split, field)]));
  }
  return out;
}

function capacityUnits(n: number, split: boolean, field: string): Record<string, number> {
  return split ? { CapacityUnits: n, [field]: n } : { CapacityUnits: n };
}

/**
 * Capacity summed per table over the statements of one PartiQL call (ExecuteStatement,
 * BatchExecuteStatement, ExecuteTransaction), reported in the shape of the operation the
 * statements behave like: a read is charged as Query/GetItem would be, a write as
 * PutItem/UpdateItem/DeleteItem (indexes included); in a transaction each unit counts twice.
 */
export class CapacityMeter {
  private readonly tables = new Map<string, { kind: "read" | "write"; usage: Required<Usage> }>();

  constructor(private readonly factor = 1) {}

  read(table: string, units: number): void {
    this.entry(table, "read").usage.table += units * this.factor;
  }

  write(table: string, usage: Usage): void {
    const total = this.entry(table, "write").usage;
    total.table += usage.table * this.factor;
    for (const [name, ix] of Object.entries(usage.indexes ?? {})) {
      const into = (total.indexes[name] ??= { units: 0, global: ix.global });
      into.units += ix.units * this.factor;
    }
  }

  /** One ConsumedCapacity per table touched, in the order they were first touched. */
  report(mode: string | undefined, split = false): any[] {
    return [...this.tables].map(([table, t]) => consumedCapacity(mode, table, t.usage, t.kind, split)).filter(Boolean);
  }

  private entry(table: string, kind: "read" | "write") {
    let t = this.tables.get(table);
    if (!t) this.tables.set(table, (t = { kind, usage: { table: 0, indexes: {} } }));
    return t;
  }
}

/**
 * The CPU and memory pairs Fargate accepts (SST v2's Service offers exactly these), and
 * the task's ephemeral storage range. A Service's `cpu`, `memory` and `storage` are
 * checked here at construction, in SST v2's words, so a bad size fails synth rather
 * than the ECS deploy.
 */

/** `cpu` → CPU units. */
export const SERVICE_CPUS = {
  "0.25 vCPU": 256,
  "0.5 vCPU": 512,
  "1 vCPU": 1024,
  "2 vCPU": 2048,
  "4 vCPU": 4096,
  "8 vCPU": 8192,
  "16 vCPU": 16384,
} as const;

export type ServiceCpu = keyof typeof SERVICE_CPUS;

/** The memory sizes (GB) Fargate pairs with each CPU, as `from..to step` ranges plus single values. */
const MEMORY_GB: Record<ServiceCpu, number[]> = {
  "0.25 vCPU": [0.5, 1, 2],
  "0.5 vCPU": range(1, 4, 1),
  "1 vCPU": range(2, 8, 1),
  "2 vCPU": range(4, 16, 1),
  "4 vCPU": range(8, 30, 1),
  "8 vCPU": range(16, 60, 4),
  "16 vCPU": range(32, 120, 8),
};

function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let n = from; n <= to; n += step) out.push(n);
  return out;
}

/** The `memory` strings accepted with `cpu`: "0.5 GB", "1 GB" … */
export function memoryChoices(cpu: ServiceCpu): string[] {
  return MEMORY_GB[cpu].map((gb) => `${gb} GB`);
}

/** MiB for a `memory` string accepted with `cpu`, else undefined. */
export function memoryMiB(cpu: ServiceCpu, memory: string): number | undefined {
  if (!memoryChoices(cpu).includes(memory)) return undefined;
  return Math.round(parseFloat(memory) * 1024);
}

export function isServiceCpu(cpu: unknown): cpu is ServiceCpu {
  return typeof cpu === "string" && Object.prototype.hasOwnProperty.call(SERVICE_CPUS, cpu);
}

/** GiB of a `storage` string ("20 GB"), or undefined when it is not one. */
export function storageGiB(storage: unknown): number | undefined {
  const m = typeof storage === "string" ? /^\s*(\d+(?:\.\d+)?)\s*GB\s*$/i.exec(storage) : null;
  return m ? Number(m[1]) : undefined;
}

/** Fargate's ephemeral storage range, GiB. */
export const STORAGE_MIN_GIB = 20;
export const STORAGE_MAX_GIB = 200;

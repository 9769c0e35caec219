/**
 * Fires scheduled rules while the cloud runs. A timer (started in start(), stopped in
 * close()) checks every enabled rule with a ScheduleExpression: `rate(...)` rules fire
 * one period after they are first seen and every period after; `cron(...)` rules at
 * each matching UTC minute. Each firing delivers a "Scheduled Event" to the targets.
 *
 * LOCAL_CLOUD_SCHEDULE_SCALE (a number > 0, default 1) speeds up rate schedules for
 * tests: with 60, `rate(1 minute)` fires every second. Cron schedules keep wall-clock time.
 */
import { randomUUID } from "node:crypto";
import type { EventsContext } from "./context.js";
import { eventTime, type PutEventsOperation } from "./put-events.js";
import { parseSchedule, type Schedule } from "./schedule.js";
import type { StoredRule } from "./store.js";

interface Armed {
  expression: string;
  schedule: Schedule;
  nextAt: number;
}

export function scheduleScale(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.LOCAL_CLOUD_SCHEDULE_SCALE ?? "1");
  return Number.isFinite(n) && n > 0 ? n : 1;
}

export class Scheduler {
  private timer?: NodeJS.Timeout;
  private readonly armed = new Map<string, Armed>();

  constructor(
    private readonly c: EventsContext,
    private readonly putEvents: PutEventsOperation,
    private readonly scale = scheduleScale(),
    private readonly now: () => number = Date.now,
  ) {}

  start(): void {
    if (this.timer) return;
    const every = Math.max(50, Math.min(1000, Math.floor(60_000 / this.scale / 4)));
    this.timer = setInterval(() => {
      try {
        this.tick();
      } catch {
        /* the store may be closing */
      }
    }, every);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One check: fire what is due, arm new rules, forget deleted or disabled ones. Public for tests. */
  tick(): void {
    const now = this.now();
    const live = new Set<string>();
    for (const rule of this.c.store.listRules()) {
      if (!rule.ScheduleExpression || rule.State === "DISABLED") continue;
      live.add(rule.Arn);
      let armed = this.armed.get(rule.Arn);
      if (!armed || armed.expression !== rule.ScheduleExpression) {
        armed = this.arm(rule.ScheduleExpression, now);
        if (!armed) continue;
        this.armed.set(rule.Arn, armed);
      }
      if (now < armed.nextAt) continue;
      this.fire(rule, armed.nextAt);
      const next = this.nextAfter(armed.schedule, armed.nextAt, now);
      if (next === undefined) this.armed.delete(rule.Arn);
      else armed.nextAt = next;
    }
    for (const arn of this.armed.keys()) if (!live.has(arn)) this.armed.delete(arn);
  }

  private arm(expression: string, now: number): Armed | undefined {
    let schedule: Schedule;
    try {
      schedule = parseSchedule(expression);
    } catch {
      return undefined;
    }
    const nextAt = schedule.kind === "rate" ? now + schedule.periodMs / this.scale : schedule.next(new Date(now))?.getTime();
    return nextAt === undefined ? undefined : { expression, schedule, nextAt };
  }

  /** The firing after `firedAt`; missed periods (a suspended laptop) are skipped, not replayed. */
  private nextAfter(schedule: Schedule, firedAt: number, now: number): number | undefined {
    if (schedule.kind === "cron") return schedule.next(new Date(Math.max(firedAt, now)))?.getTime();
    const period = schedule.periodMs / this.scale;
    let next = firedAt + period;
    if (next <= now) next = now + period;
    return next;
  }

  private fire(rule: StoredRule, at: number): void {
    const event = {
      version: "0",
      id: randomUUID(),
      "detail-type": "Scheduled Event",
      source: "aws.events",
      account: this.c.accountId,
      time: eventTime(new Date(at)),
      region: this.c.region,
      resources: [rule.Arn],
      detail: {},
    };
    this.c.kernel.events.emit("eventbridge:scheduled", { ruleArn: rule.Arn, eventId: event.id });
    this.putEvents.deliverToRule(rule, event);
  }
}

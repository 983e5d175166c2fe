import type { FieldError } from '../shared/errors.js';
import type { FulfilmentStep } from './model.js';

/**
 * What is wrong with a fulfilment DAG (docs/catalog.md#fulfilment): duplicate step ids, `after`
 * ids naming no step (or the step itself) — plain 400s at their paths — and, separately, the
 * steps on a cycle (400 `step_cycle`). Pure; at most 20 steps, so the walk is trivial.
 */
export function checkSteps(
  steps: readonly Pick<FulfilmentStep, 'id' | 'after'>[],
  basePath = 'fulfilment.steps',
): { errors: FieldError[]; cycle: FieldError[] } {
  const errors: FieldError[] = [];
  const index = new Map<string, number>();
  steps.forEach((step, position) => {
    if (index.has(step.id)) {
      errors.push({ path: `${basePath}.${position}.id`, message: `duplicates step ${step.id}` });
    } else index.set(step.id, position);
  });
  steps.forEach((step, position) => {
    step.after.forEach((predecessor, at) => {
      if (!index.has(predecessor)) {
        errors.push({
          path: `${basePath}.${position}.after.${at}`,
          message: `names no step of this item (${predecessor})`,
        });
      }
    });
  });
  if (errors.length > 0) return { errors, cycle: [] };
  const onCycle = stepsOnCycles(steps);
  return {
    errors: [],
    cycle: onCycle.map((id) => ({
      path: `${basePath}.${index.get(id)}.after`,
      message: `step ${id} is on a cycle: it waits, through \`after\`, for itself`,
    })),
  };
}

/** Ids of steps that lie on a cycle, in input order (Kahn: what never reaches in-degree 0 and feeds back). */
export function stepsOnCycles(steps: readonly Pick<FulfilmentStep, 'id' | 'after'>[]): string[] {
  const remaining = new Map(steps.map((step) => [step.id, new Set(step.after)]));
  let progressed = true;
  while (progressed) {
    progressed = false;
    for (const [id, waits] of remaining) {
      if ([...waits].every((before) => !remaining.has(before))) {
        remaining.delete(id);
        progressed = true;
      }
    }
  }
  // What is left waits on a cycle or lies on one; keep those reachable from themselves.
  const reaches = (from: string, target: string, seen = new Set<string>()): boolean => {
    for (const next of remaining.get(from) ?? []) {
      if (next === target) return true;
      if (!seen.has(next) && remaining.has(next)) {
        seen.add(next);
        if (reaches(next, target, seen)) return true;
      }
    }
    return false;
  };
  return steps.map((step) => step.id).filter((id) => remaining.has(id) && reaches(id, id));
}

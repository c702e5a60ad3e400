/**
 * The host a software stack runs on (`hosts/*.json`, `--host`): the CPU side of an eager or runtime
 * launch — the time the framework's Python and dispatcher plus the driver need to issue one kernel,
 * and per step. That cost belongs to the host CPU, not to the stack: the same TinyChat code issues
 * kernels at different rates on a desktop x86, a server x86 and an Arm Jetson
 * (docs/models/software-stacks.md § Hosts). A host file sets the host factors of the stack factors
 * (src/stack/factors.ts); `withHost` returns the stack with those values (source prefixed by the
 * host), so the run reports them like any stack factor.
 */
import { Type, type Static } from '@sinclair/typebox';
import { calibrationSchema } from '../arch/calibration.ts';
import { STACK_FACTORS } from './factors.ts';
import type { Stack } from './schema.ts';

/** The stack factors a host sets: the host-side launch costs. */
export const HOST_FACTORS = STACK_FACTORS.filter((f) => f.name === 'hostLaunchSeconds' || f.name === 'hostStepSeconds');
export type HostFactorName = 'hostLaunchSeconds' | 'hostStepSeconds';

export const hostSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    name: Type.String({ minLength: 1, description: 'Host name as runs report it.' }),
    description: Type.String({ minLength: 1, description: 'One line: the machine, and what is known of its CPU.' }),
    cpu: Type.Optional(Type.String({ minLength: 1, description: 'The host CPU where the source names it.' })),
    calibration: Type.Unsafe<Record<string, { value: number; source: string; description?: string }>>({
      ...calibrationSchema(HOST_FACTORS),
      minProperties: 1,
    }),
    sources: Type.Record(Type.String(), Type.String({ minLength: 1 }), { description: 'JSON pointer → where the value comes from.' }),
  },
  { additionalProperties: false },
);
export type Host = Static<typeof hostSchema>;

/** The stack as it runs on `host`: the host's factors replace the stack's, each source naming the host. */
export function withHost(stack: Stack, host: Host): Stack {
  const fromHost = Object.fromEntries(Object.entries(host.calibration).map(([name, f]) => [name, { ...f, source: `host '${host.name}': ${f.source}` }]));
  return { ...stack, calibration: { ...stack.calibration, ...fromHost } };
}

/**
 * The host time per kernel that a host-bound eager step implies: the host issues `kernels` kernels
 * one after another and the step ends when the last one (issued last) finishes on the device, so
 * measured = kernels · hostLaunch + lastKernelSeconds (src/stack/step-time.ts with the device never
 * the bottleneck). A step the device bounds gives no such figure: the caller checks that.
 */
export function hostLaunchOfHostBoundStep(measuredSeconds: number, kernels: number, lastKernelSeconds: number): number {
  if (!(kernels > 0) || !(measuredSeconds > lastKernelSeconds)) {
    throw new RangeError(
      `a host-bound step needs kernels > 0 and a measured time above the last kernel's (got ${kernels}, ${measuredSeconds}, ${lastKernelSeconds})`,
    );
  }
  return (measuredSeconds - lastKernelSeconds) / kernels;
}

// `TEST_FAKE_NOW=2031-01-01T00:00:00Z npm test`: the workerd tests and the Worker they call
// share one isolate, so faking Date here moves the clock of both. It proves that no test
// depends on the real date (libfaketime cannot: workerd hangs under it). The clock starts
// at that instant and runs on.
import { inject, vi } from "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    fakeNow: string;
  }
}

const start = Date.parse(inject("fakeNow"));
if (Number.isNaN(start)) throw new Error(`TEST_FAKE_NOW is not a date: ${inject("fakeNow")}`);
vi.useFakeTimers({ toFake: ["Date"], now: start, shouldAdvanceTime: true });

// Global mocha setup: no test may reach the network except loopback, where the emulator and the
// end-to-end stacks live; nock interceptors never leak from one test into the next.
import nock from "nock";

nock.disableNetConnect();
nock.enableNetConnect(/^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/);

export const mochaHooks = {
  afterEach(): void {
    nock.cleanAll();
  },
};

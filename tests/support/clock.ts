/**
 * The one instant every test desk and every test browser page starts its clock at, so that ages,
 * dates and deadlines shown or stored never depend on the day the tests run. Both clocks then run
 * on at the normal rate (the core's from `startDesk`, the page's from `page.clock.install`).
 */
export const TEST_CLOCK_START = Date.parse('2026-06-15T09:00:00+08:00');

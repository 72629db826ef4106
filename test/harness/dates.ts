import { addDays, localDate } from '../../src/common/clock.js';
import { loadConfig } from '../../src/config/app-config.js';

const timeZone = loadConfig({ NODE_ENV: 'test' }).timeZone;

/** Today in the test deployment's time zone (TIME_ZONE), as the API counts it. */
export const localToday = (): string => localDate(new Date(), timeZone);

/** A date `days` before today, in the deployment's time zone. */
export const localDaysAgo = (days: number): string => addDays(localToday(), -days);

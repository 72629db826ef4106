import { Transform } from 'class-transformer';

/** 'true'/'false' in a query string become booleans; anything else stays and fails validation. */
export const BooleanQuery = () =>
  Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value));

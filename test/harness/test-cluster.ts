/** Connection facts of the run's PostgreSQL cluster, shared with test workers through the environment. */
export interface TestClusterInfo {
  dir: string;
  port: number;
  superuserPassword: string;
  appPassword: string;
  templateDatabase: string;
  logDir: string;
}

export const TEST_CLUSTER_ENV = 'CTCM_TEST_CLUSTER';
export const TEST_DATABASE_PREFIX = 'ctcm_test_';

export function testClusterInfo(): TestClusterInfo {
  const raw = process.env[TEST_CLUSTER_ENV];
  if (!raw) throw new Error('the test cluster is not running: run the tests with `npm test`');
  return JSON.parse(raw) as TestClusterInfo;
}

export function superuserUrl(info: TestClusterInfo, database: string): string {
  return `postgres://postgres:${encodeURIComponent(info.superuserPassword)}@127.0.0.1:${info.port}/${database}`;
}

export function appRoleUrl(info: TestClusterInfo, database: string): string {
  return `postgres://ctcm_app:${encodeURIComponent(info.appPassword)}@127.0.0.1:${info.port}/${database}`;
}

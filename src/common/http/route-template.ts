/**
 * One spelling of route templates everywhere (OpenAPI, audit entries, logs, the route inventory):
 * `/cases/{id}`, never Express's `/cases/:id`, so a template read in an audit row is found as is
 * in openapi.json.
 */
export const openApiPathOf = (expressPath: string): string => expressPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

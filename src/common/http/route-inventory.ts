import { RequestMethod, type INestApplication } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { PERMISSION_KEY } from '../../auth/authorize.decorator.js';
import { openApiPathOf } from './route-template.js';

// Nest's routing metadata keys (not exported from the package root).
const PATH_METADATA = 'path';
const METHOD_METADATA = 'method';

export interface RouteInfo {
  method: string;
  /** OpenAPI spelling: `/cases/{id}`. */
  path: string;
  permission: string | undefined;
  controller: string;
  handler: string;
  /** The controller class and handler function, to read further metadata (the OpenAPI contract does). */
  controllerType: object;
  handlerFn: object;
}

const joinPath = (...parts: string[]) =>
  `/${parts
    .flatMap((p) => p.split('/'))
    .filter(Boolean)
    .join('/')}`;

/** Every route of the running app, read from Nest's own metadata, so a new route is never missed. */
export function listRoutes(app: INestApplication): RouteInfo[] {
  const routes: RouteInfo[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: unknown[]) => unknown) | undefined;
      if (!controller) continue;
      const prefixes = ([] as string[]).concat(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
      for (const handler of Object.getOwnPropertyNames(controller.prototype)) {
        const fn = (controller.prototype as Record<string, unknown>)[handler];
        if (handler === 'constructor' || typeof fn !== 'function') continue;
        const methodEnum = Reflect.getMetadata(METHOD_METADATA, fn) as RequestMethod | undefined;
        if (methodEnum === undefined) continue;
        const paths = ([] as string[]).concat(Reflect.getMetadata(PATH_METADATA, fn) ?? '');
        for (const prefix of prefixes) {
          for (const p of paths) {
            routes.push({
              method: RequestMethod[methodEnum],
              path: openApiPathOf(joinPath(prefix, p)),
              permission: Reflect.getMetadata(PERMISSION_KEY, fn) as string | undefined,
              controller: controller.name,
              handler,
              controllerType: controller,
              handlerFn: fn,
            });
          }
        }
      }
    }
  }
  return routes.sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
}

import { z } from 'zod';
import { definePrompt, defineResource, defineResourceTemplate, defineTool } from './define.js';

/**
 * What a module's default-export function receives: the server's zod and the define helpers, so a
 * module (even a plain .mjs file outside any package) needs no dependency of its own.
 */
export const moduleKit = Object.freeze({ z, defineTool, defineResource, defineResourceTemplate, definePrompt });

export type ModuleKit = typeof moduleKit;

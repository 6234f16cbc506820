import type { z } from 'zod';
import type { Methods } from '../../../shared/api/contract';
export type { CustomerSummary, Draft } from '../../../shared/api/intake-contract';
/** The parsed input a handler receives for method M. */
export type MethodInputOf<M extends keyof Methods> = z.output<Methods[M]['input']>;

/** Where an intake comes from, defined once: the counter, a paper form, an online submission, or a correction. */
import { z } from 'zod';

export const INTAKE_SOURCES = ['walk_in', 'paper_form', 'online', 'correction'] as const;
export const intakeSourceSchema = z.enum(INTAKE_SOURCES);
export type IntakeSource = (typeof INTAKE_SOURCES)[number];

/** Sources typed at the desk into a draft (a paper form is transcribed into one too, beside its scan). */
export const DRAFT_SOURCES = ['walk_in', 'correction', 'paper_form'] as const satisfies readonly IntakeSource[];
export const draftSourceSchema = z.enum(DRAFT_SOURCES);
export type DraftSource = (typeof DRAFT_SOURCES)[number];

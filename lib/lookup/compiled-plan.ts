// On the lookup side: a compiled plan is per-request data, in the answer book's bits; build/plan.ts plans without them.
import type { Plan } from '../build/plan.js'
import type { Answer, AnswerBook } from './answers.js'

export interface CompiledPlan {
  readonly plan: Plan
  readonly certain: number
  readonly known: boolean
  /** The methods to ask, one of each set of twins (see `compilePlans`). */
  readonly asked: readonly string[]
  /** What each asked method adds when its route matches: its bit and its twins'. */
  readonly askedBits: readonly number[]
  /** Whether a match of each asked method makes the URL known: OPTIONS alone does not. */
  readonly askedKnows: readonly boolean[]
  /** With nothing to ask, the answer itself (null: the URL is unknown). */
  readonly answer: Answer | null | undefined
}

export interface CompileContext {
  readonly answers: AnswerBook
  /**
   * A method whose tree in Fastify's router holds the same routes as an earlier one's (HEAD and GET), by
   * method: both match the same URLs, so only the first is asked.
   */
  readonly twinOf: ReadonlyMap<string, string>
}

/** Most patterns share a plan: each distinct one is compiled once. */
export function compilePlans (plans: readonly Plan[], context: CompileContext): CompiledPlan[] {
  const compiled = new Map<string, CompiledPlan>()
  return plans.map(plan => {
    const key = `${plan.certain.join()}|${plan.known}|${plan.asked.join()}`
    let done = compiled.get(key)
    if (done === undefined) {
      done = compile(plan, context)
      compiled.set(key, done)
    }
    return done
  })
}

function compile (plan: Plan, { answers, twinOf }: CompileContext): CompiledPlan {
  const asked = new Map<string, string[]>()
  for (const method of plan.asked) {
    const first = twinOf.get(method) ?? method
    asked.set(first, [...asked.get(first) ?? [], method])
  }
  return Object.freeze({
    plan: Object.freeze(plan),
    certain: answers.mask(plan.certain),
    known: plan.known,
    asked: [...asked.keys()],
    askedBits: [...asked.values()].map(twins => answers.mask(twins)),
    askedKnows: [...asked.values()].map(twins => twins.some(method => method !== 'OPTIONS')),
    answer: asked.size > 0 ? undefined : plan.known ? answers.of(answers.mask(plan.certain)) : null
  })
}

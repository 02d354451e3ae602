// asl-validator ships no type declarations; this is the part the test uses.
declare module 'asl-validator' {
  export default function aslValidator(
    definition: unknown,
    options?: Record<string, unknown>,
  ): { isValid: boolean; errors: unknown[] };
}

/** CloudWatch rejects magnitudes above 2^360 ... */
export const CLOUDWATCH_MAX_MAGNITUDE = 2 ** 360;
/** ... and non-zero magnitudes below 2^-360. */
export const CLOUDWATCH_MIN_MAGNITUDE = 2 ** -360;

/** A finite value moved into CloudWatch's accepted range: huge ones to +-2^360, tiny ones to 0. */
export function clampToCloudWatch(value: number): number {
  const magnitude = Math.abs(value);
  if (magnitude > CLOUDWATCH_MAX_MAGNITUDE) return Math.sign(value) * CLOUDWATCH_MAX_MAGNITUDE;
  if (magnitude !== 0 && magnitude < CLOUDWATCH_MIN_MAGNITUDE) return 0;
  return value;
}

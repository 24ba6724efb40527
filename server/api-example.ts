/**
 * The household the API page shows as its example: a rural couple in Tekes, both able to work,
 * 600 yuan a month. Tests and the benchmark post this very object, so the documented example is
 * known to work.
 */
export const exampleHousehold = {
  jurisdiction: 'tekes',
  area: 'rural',
  monthlyIncome: 600,
  propertyWithinLimits: true,
  members: [
    { age: 45, laborCapacity: 'full' },
    { age: 43, laborCapacity: 'full' },
  ],
} as const;

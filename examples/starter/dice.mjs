/** Plain JavaScript, no dependencies: input described with JSON Schema. */
export default {
  name: 'roll_dice',
  title: 'Roll dice',
  description: 'Roll one or more dice with the given number of sides and return each roll and the total.',
  input: {
    type: 'object',
    properties: {
      count: { type: 'integer', minimum: 1, maximum: 100, default: 1, description: 'How many dice to roll.' },
      sides: { type: 'integer', minimum: 2, maximum: 1000, default: 6, description: 'Sides per die.' },
    },
  },
  annotations: { readOnlyHint: true },
  run({ count = 1, sides = 6 }) {
    const rolls = Array.from({ length: count }, () => 1 + Math.floor(Math.random() * sides));
    return `Rolled ${rolls.join(', ')} (total ${rolls.reduce((a, b) => a + b, 0)})`;
  },
};

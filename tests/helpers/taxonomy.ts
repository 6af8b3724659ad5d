/** The ten categories of the wiki menu kblint was built for, as test data. */
export const TEN_CATEGORIES = [
  { name: 'Core Concepts', slug: 'core-concepts' },
  { name: 'Reasoning', slug: 'reasoning' },
  { name: 'Memory & Retrieval', slug: 'memory-retrieval' },
  { name: 'Agent Types', slug: 'agent-types' },
  { name: 'Design Patterns', slug: 'design-patterns' },
  { name: 'Training & Alignment', slug: 'training-alignment' },
  { name: 'Frameworks', slug: 'frameworks' },
  { name: 'Tools', slug: 'tools' },
  { name: 'Safety', slug: 'safety' },
  { name: 'Meta', slug: 'meta' },
];

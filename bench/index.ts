/**
 * `npm run bench -- [suite ...]`: runs benchmark suites (all when none is named). Each suite
 * reports ratios against a baseline measured in the same run, plus peak memory.
 */
const suites: Record<string, () => Promise<{ run(args: string[]): Promise<void> }>> = {
  files: () => import('./files/index'),
  server: () => import('./server/index'),
  ui: () => import('./ui/index'),
};

const [first, ...rest] = process.argv.slice(2);
const names = first ? [first] : Object.keys(suites);
if (names.length === 0) {
  console.log('no benchmark suites yet');
}
for (const name of names) {
  const load = Object.hasOwn(suites, name) ? suites[name] : undefined;
  if (!load) {
    console.error(`unknown suite "${name}"; known: ${Object.keys(suites).join(', ')}`);
    process.exit(2);
  }
  console.log(`\n## bench: ${name}`);
  await (await load()).run(rest);
}

export { suites };

export async function main(argv: string[]): Promise<number> { return argv.length >= 0 ? 0 : 1; }

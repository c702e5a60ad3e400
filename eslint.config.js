// typescript-eslint with type-checked rules (`npm run lint`, run by .ci/run). The formatter is
// prettier (.prettierrc.json, `npm run format:check`).
//
// Rules beyond the recommended type-checked set, and the one relaxation, each with its reason:
// - no-unused-vars: a leading `_` marks a deliberately unused argument or binding.
// - test files may use `any` values from parsed JSON (the no-unsafe-* family): tests parse the
//   CLI's --json output and result files and then assert on exact fields; a wrong field fails the
//   assertion itself, so typing every parsed document would restate the result types without
//   catching anything more. src/ and bench/ get no such relaxation: they read JSON as `unknown`
//   and narrow it (src/util/own.ts, src/config/load.ts, typed protobuf messages in
//   src/workload/import/onnx-proto.ts).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // bench/*.mjs are plain-JS launchers outside the TypeScript project (tsconfig.json).
  { ignores: ['node_modules/**', 'reports/**', 'dist/**', 'bin/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
);

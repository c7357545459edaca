// Three kinds of test (see docs/STYLE.md): pure unit specs, integration specs against real
// servers, and black-box end-to-end specs that drive the built services over HTTP.
const swc = ['@swc/jest', { ...require('./swc-jest.json') }];
const common = {
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: { '^@lbaas/([a-z-]+)$': '<rootDir>/libs/$1/src' },
  testEnvironment: 'node',
  modulePathIgnorePatterns: ['<rootDir>/.*/dist/'],
};
module.exports = {
  // Integration and end-to-end tests start real servers; a bound, not an expectation of speed.
  testTimeout: 180000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/{apps,libs,tools}/**/src/**/*.spec.ts', '<rootDir>/bench/src/**/*.spec.ts'],
      testPathIgnorePatterns: ['\\.int\\.spec\\.ts$'],
    },
    { ...common, displayName: 'int', testMatch: ['<rootDir>/{apps,libs,tools}/**/src/**/*.int.spec.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e.spec.ts'] },
  ],
};

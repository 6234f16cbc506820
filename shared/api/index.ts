export * from './contract';
export * from './envelope';
export * from './request-schema';
export * from './events';
export * from './bridge';
export * from './backup-contract';

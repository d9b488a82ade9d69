// The daemon's published wire protocol: the only part of src-daemon the app may import.
export * from './messages';
export * from './capabilities';
export * from './jws';
export * from './iot';
export * from './seal';

/** Public API of the network primitives: addresses, wire encoding, captures, printing. */
export * from './layers';
export * from './ipv4';
export * from './mac';
export * from './checksum';
export * from './tcpflags';
export * from './encode';
export * from './decode';
export * from './pcapng';
export * from './tcpdump';

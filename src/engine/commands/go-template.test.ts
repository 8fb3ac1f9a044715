import { describe, expect, it } from 'vitest';
import { renderTemplate } from './go-template';
import { humanDuration, tabwrite } from './docker';

const data = {
  State: { Pid: 4242 },
  NetworkSettings: {
    Networks: { bridge: { IPAddress: '172.17.0.2' } },
    Ports: { '80/tcp': [{ HostIp: '0.0.0.0', HostPort: '8080' }] },
  },
};

describe('Go text/template, as docker inspect -f uses it', () => {
  it('prints fields, ranges over map values and indexes', () => {
    expect(renderTemplate('{{.State.Pid}}', data)).toBe('4242');
    expect(renderTemplate('{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', data)).toBe(
      '172.17.0.2',
    );
    expect(renderTemplate('{{index .NetworkSettings.Ports "80/tcp"}}', data)).toBe(
      '[map[HostIp:0.0.0.0 HostPort:8080]]',
    );
    expect(renderTemplate('{{json .State}}', data)).toBe('{"Pid":4242}');
  });

  it('a missing key of a map prints <no value>; an unknown function is a parse error', () => {
    expect(renderTemplate('{{.State.Nope}}', data)).toBe('<no value>');
    expect(() => renderTemplate('{{nope .State}}', data)).toThrow(
      'template parsing error: template: :1: function "nope" not defined',
    );
  });
});

describe('the docker CLI formatting helpers', () => {
  it("humanDuration is go-units'", () => {
    expect(humanDuration(0)).toBe('Less than a second');
    expect(humanDuration(1e6)).toBe('1 second');
    expect(humanDuration(59e6)).toBe('59 seconds');
    expect(humanDuration(61e6)).toBe('About a minute');
    expect(humanDuration(150e6)).toBe('2 minutes');
  });

  it('tabwrite pads every column but the last to max(10, width + 3)', () => {
    expect(
      tabwrite([
        ['A', 'BBBBBBBBBB', 'C'],
        ['xx', 'y', 'z'],
      ]),
    ).toBe('A         BBBBBBBBBB   C\nxx        y            z');
  });
});

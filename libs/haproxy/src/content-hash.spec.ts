import { contentHash } from './content-hash';

describe('contentHash', () => {
  it('is the sha256 of the UTF-8 text, in hex', () => {
    expect(contentHash('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(contentHash('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('changes with a single byte', () => expect(contentHash('global\n')).not.toBe(contentHash('global\r\n')));
});

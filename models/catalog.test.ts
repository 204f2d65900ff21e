import { describe, expect, it } from 'vitest';
import { type CatalogEntry, catalog, catalogProblems } from './catalog.ts';

describe('optional model catalog', () => {
  it('is sound: unique slugs, https sources named for their file, contracts that fit', () => {
    expect(catalogProblems(catalog)).toEqual([]);
  });

  it('covers the three operations, states non-commercial licences, and pins unknown hashes', () => {
    const ids = catalog.map((e) => e.id);
    expect(ids).toEqual(
      expect.arrayContaining(['gfpgan-1.4', 'gpen-bfr-512', 'gpen-bfr-256', 'codeformer']),
    );
    expect(ids).toEqual(expect.arrayContaining(['restoreformer-plus-plus', 'mi-gan', 'lama']));
    expect(ids).toEqual(expect.arrayContaining(['ddcolor-tiny', 'deoldify-quant']));
    const codeformer = catalog.find((e) => e.id === 'codeformer')!;
    expect(codeformer.nonCommercial).toMatch(/non-commercial/);
    expect(codeformer.input.weight).toMatchObject({ type: 'float64', dims: [1] });
    expect(catalog.find((e) => e.id === 'lama')!.input.image.dims).toEqual([1, 3, 512, 512]);
    expect(catalog.find((e) => e.id === 'mi-gan')!.license).toBe('MIT');
  });

  it('finds what is wrong with a bad entry', () => {
    const good = catalog.find((e) => e.id === 'lama')!;
    const bad: CatalogEntry[] = [
      good,
      { ...good, urls: ['http://example.com/lama_fp32.onnx'] },
      {
        ...good,
        id: 'Bad Id',
        urls: ['https://example.com/other.onnx'],
        input: { ...good.input, mask: undefined, size: 256 },
        output: { ...good.output, kind: 'ab' },
      },
    ];
    const problems = catalogProblems(bad);
    expect(problems).toEqual(
      expect.arrayContaining([
        'catalog entry lama: the id is used twice',
        'catalog entry lama: http://example.com/lama_fp32.onnx is not an https URL',
        'catalog entry Bad Id: the id is not a slug',
        'catalog entry Bad Id: https://example.com/other.onnx does not end in its file name lama_fp32.onnx',
        'catalog entry Bad Id: input 1,3,512,512 is not [1, 3, size, size]',
        'catalog entry Bad Id: a ab output needs 2 channels',
        'catalog entry Bad Id: inpainting needs a mask',
      ]),
    );
  });
});

/**
 * Where a file with parent links may be cut into chunks: before a row that no
 * link spans, since the API resolves a parentId only within its own request.
 * `parentRows` holds each row's parent row number (1-based; 0: none); the
 * answer tells, for a 0-based row index, whether a chunk may start there.
 */
export function chunkStarts(parentRows: Int32Array): (rowIndex: number) => boolean {
  // For each row number, the furthest row a link starting there reaches.
  const reach = new Int32Array(parentRows.length + 1);
  parentRows.forEach((parent, i) => {
    if (parent === 0) return;
    const [low, high] = parent < i + 1 ? [parent, i + 1] : [i + 1, parent];
    reach[low] = Math.max(reach[low]!, high);
  });
  // A chunk may start at row number b when every link from a row before b ends before b.
  const starts = new Uint8Array(parentRows.length + 1);
  let furthest = 0;
  for (let b = 1; b <= parentRows.length; b++) {
    starts[b] = furthest < b ? 1 : 0;
    furthest = Math.max(furthest, reach[b]!);
  }
  return (rowIndex) => starts[rowIndex + 1] === 1;
}

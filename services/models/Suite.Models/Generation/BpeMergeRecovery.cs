using System.Text;

namespace Suite.Models.Generation;

/// <summary>
/// Recovers BPE merges from a tiktoken rank table: each multi-byte token is BPE-merged from its single bytes using only
/// ranks below its own; the two parts left at the end are the merge that produced it.
/// </summary>
public static class BpeMergeRecovery
{
    public static IReadOnlyList<string> Recover(IReadOnlyList<byte[]> ranked)
    {
        // Latin-1 keeps one char per byte, so strings work as cheap byte-sequence keys.
        var rankOf = new Dictionary<string, int>(ranked.Count, StringComparer.Ordinal);
        for (var rank = 0; rank < ranked.Count; rank++)
        {
            rankOf[Encoding.Latin1.GetString(ranked[rank])] = rank;
        }

        var merges = new List<string>(ranked.Count);
        var parts = new List<string>();
        for (var rank = 0; rank < ranked.Count; rank++)
        {
            var bytes = ranked[rank];
            if (bytes.Length < 2)
            {
                continue;
            }

            var text = Encoding.Latin1.GetString(bytes);
            parts.Clear();
            foreach (var c in text)
            {
                parts.Add(c.ToString());
            }

            while (parts.Count > 2)
            {
                var bestIndex = -1;
                var bestRank = int.MaxValue;
                for (var i = 0; i < parts.Count - 1; i++)
                {
                    if (rankOf.TryGetValue(parts[i] + parts[i + 1], out var r) && r < rank && r < bestRank)
                    {
                        bestRank = r;
                        bestIndex = i;
                    }
                }

                if (bestIndex < 0)
                {
                    break;
                }

                parts[bestIndex] += parts[bestIndex + 1];
                parts.RemoveAt(bestIndex + 1);
            }

            if (parts.Count != 2)
            {
                throw new InvalidDataException($"Token of rank {rank} cannot be built from two lower-ranked parts.");
            }

            merges.Add(ByteLevelEncoding.Encode(Encoding.Latin1.GetBytes(parts[0])) + " "
                + ByteLevelEncoding.Encode(Encoding.Latin1.GetBytes(parts[1])));
        }

        return merges;
    }
}

using System.Globalization;
using StackExchange.Redis;

namespace Suite.Gateway.Limits;

/// <summary>
/// Limit counters in Redis, shared by every gateway. Each admission is one Lua script (atomic on the server, timed by
/// the server's clock) that looks for revocation marks, evaluates every counter of the request, and charges them all
/// only if all pass; settling is a second script. The arithmetic is <see cref="InProcessLimitStore"/>'s. A single Redis
/// (or a primary with replicas) is assumed: the keys of one request are not hash-tagged for Redis Cluster.
/// </summary>
public sealed class RedisLimitStore(IConnectionMultiplexer redis) : ILimitStore
{
    // ARGV: marks count, member, lease ms, dry run (1/0), then per check: kind (b: per-minute bucket, c: concurrent,
    // q: budget), limit, cost, period end ms. KEYS: the marks, then one key per check.
    private const string ReserveScript = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local nmarks = tonumber(ARGV[1])
        local member = ARGV[2]
        local lease = tonumber(ARGV[3])
        local dry = ARGV[4] == '1'
        for i = 1, nmarks do
          if redis.call('EXISTS', KEYS[i]) == 1 then
            return {'revoked', tostring(i - 1), '0'}
          end
        end
        local n = (#ARGV - 4) / 4
        local values = {}
        local refused = -1
        local retry = 0
        for j = 1, n do
          local key = KEYS[nmarks + j]
          local a = 4 + (j - 1) * 4
          local kind = ARGV[a + 1]
          local limit = tonumber(ARGV[a + 2])
          local cost = tonumber(ARGV[a + 3])
          local period_end = tonumber(ARGV[a + 4])
          local value
          if kind == 'b' then
            local h = redis.call('HMGET', key, 'v', 't')
            if h[1] then
              value = math.min(limit, tonumber(h[1]) + (now - tonumber(h[2])) * limit / 60000)
            else
              value = limit
            end
            if refused < 0 and cost > value then
              refused = j - 1
              if cost > limit then retry = -1 else retry = math.ceil((cost - value) * 60000 / limit) end
            end
          elseif kind == 'c' then
            redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
            value = redis.call('ZCARD', key)
            if refused < 0 and value + cost > limit then
              refused = j - 1
              retry = 1000
            end
          else
            value = tonumber(redis.call('GET', key) or '0')
            if refused < 0 and value + cost > limit then
              refused = j - 1
              retry = period_end - now
            end
          end
          values[j] = value
        end
        if refused < 0 and not dry then
          for j = 1, n do
            local key = KEYS[nmarks + j]
            local a = 4 + (j - 1) * 4
            local kind = ARGV[a + 1]
            local cost = tonumber(ARGV[a + 3])
            local period_end = tonumber(ARGV[a + 4])
            if kind == 'b' then
              values[j] = values[j] - cost
              redis.call('HSET', key, 'v', tostring(values[j]), 't', tostring(now))
              redis.call('PEXPIRE', key, 120000)
            elseif kind == 'c' then
              redis.call('ZADD', key, now + lease, member)
              redis.call('PEXPIRE', key, lease + 60000)
              values[j] = values[j] + cost
            else
              values[j] = redis.call('INCRBY', key, cost)
              redis.call('PEXPIREAT', key, period_end + 86400000)
            end
          end
        end
        local out = {refused >= 0 and 'refused' or 'ok', tostring(refused), tostring(retry)}
        for j = 1, n do
          out[#out + 1] = tostring(values[j])
        end
        return out
        """;

    // ARGV: member, then per settlement: kind, limit, delta. KEYS: one per settlement.
    private const string SettleScript = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local member = ARGV[1]
        for j = 1, #KEYS do
          local key = KEYS[j]
          local a = 1 + (j - 1) * 3
          local kind = ARGV[a + 1]
          local limit = tonumber(ARGV[a + 2])
          local delta = tonumber(ARGV[a + 3])
          if kind == 'b' then
            local h = redis.call('HMGET', key, 'v', 't')
            if h[1] then
              local value = math.min(limit, tonumber(h[1]) + (now - tonumber(h[2])) * limit / 60000)
              value = math.min(limit, value + delta)
              redis.call('HSET', key, 'v', tostring(value), 't', tostring(now))
              redis.call('PEXPIRE', key, 120000)
            end
          elseif kind == 'c' then
            redis.call('ZREM', key, member)
          elseif delta ~= 0 and redis.call('EXISTS', key) == 1 then
            redis.call('INCRBY', key, delta)
          end
        end
        return 1
        """;

    public string Kind => "redis";

    public bool Shared => true;

    public async Task<LimitOutcome> ReserveAsync(IReadOnlyList<string> marks, IReadOnlyList<LimitCheck> checks, string member, long leaseMs, bool dryRun, CancellationToken cancellationToken)
    {
        var keys = new RedisKey[marks.Count + checks.Count];
        var values = new RedisValue[4 + (checks.Count * 4)];
        for (var i = 0; i < marks.Count; i++)
        {
            keys[i] = marks[i];
        }

        values[0] = marks.Count;
        values[1] = member;
        values[2] = leaseMs;
        values[3] = dryRun ? 1 : 0;
        for (var j = 0; j < checks.Count; j++)
        {
            var check = checks[j];
            keys[marks.Count + j] = check.Key;
            values[4 + (j * 4)] = KindCode(check.Kind);
            values[5 + (j * 4)] = check.Limit;
            values[6 + (j * 4)] = check.Cost;
            values[7 + (j * 4)] = check.PeriodEndMs;
        }

        var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(ReserveScript, keys, values).WaitAsync(cancellationToken).ConfigureAwait(false))!;
        var status = (string)result[0]!;
        var index = int.Parse((string)result[1]!, CultureInfo.InvariantCulture);
        if (status == "revoked")
        {
            return new LimitOutcome(-1, 0, [], index);
        }

        var counters = new double[checks.Count];
        for (var j = 0; j < checks.Count; j++)
        {
            counters[j] = double.Parse((string)result[3 + j]!, CultureInfo.InvariantCulture);
        }

        return new LimitOutcome(index, (long)double.Parse((string)result[2]!, CultureInfo.InvariantCulture), counters);
    }

    public async Task SettleAsync(IReadOnlyList<(LimitCheck Check, long Delta)> settlements, string member, CancellationToken cancellationToken)
    {
        if (settlements.Count == 0)
        {
            return;
        }

        var keys = new RedisKey[settlements.Count];
        var values = new RedisValue[1 + (settlements.Count * 3)];
        values[0] = member;
        for (var j = 0; j < settlements.Count; j++)
        {
            var (check, delta) = settlements[j];
            keys[j] = check.Key;
            values[1 + (j * 3)] = KindCode(check.Kind);
            values[2 + (j * 3)] = check.Limit;
            values[3 + (j * 3)] = delta;
        }

        await redis.GetDatabase().ScriptEvaluateAsync(SettleScript, keys, values).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task MarkRevokedAsync(string mark, TimeSpan ttl, CancellationToken cancellationToken)
        => redis.GetDatabase().StringSetAsync(mark, 1, ttl).WaitAsync(cancellationToken);

    private static string KindCode(LimitKind kind) => kind switch
    {
        LimitKind.PerMinute => "b",
        LimitKind.Concurrent => "c",
        _ => "q",
    };
}

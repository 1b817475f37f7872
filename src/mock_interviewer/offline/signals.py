"""Surface signals of substance that do not depend on the question.

- concreteness: numbers with units, named tools and techniques, identifiers;
- ownership: what the speaker decided, built or changed;
- reasoning: trade-offs, conditions, costs, the "why";
- the poor answer's language, by kind: reactive, hand-off ("the security team handles it"),
  dismissive, shortcut or heroics, blame or coercion, overconfident absolutes;
- buzzwords: fluent words that carry no mechanism;
- stance: certainties and intensifiers, practices waved away, negations.

Each is a count of short, readable patterns written from general interviewing experience
(not from any one labelled answer), so a grade can say *why* ("names no concrete technique")
and a long fluent answer gains nothing from its length.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from mock_interviewer.textmatch import words


def _alternation(terms: str) -> str:
    return "|".join(sorted((re.escape(t).replace(r"\ ", r"[\s-]") for t in terms.split(",") if t.strip()), key=len, reverse=True))


# a decade ("the 1970s", "the '90s") is no number of seconds (offline-v11)
_NUMBER = re.compile(
    r"\b(?<!['’])(?!(?:1[89]|20)\d0s\b)\d+(?:[.,]\d+)?\s*(?:%|percent|ms|milliseconds?|s\b|sec|seconds?|minutes?|mins?|hours?|hrs?|h\b|days?|weeks?|"
    r"months?|quarters?|years?|x\b|k\b|m\b|gb|mb|tb|rps|qps|req|requests|engineers?|people|devs?|services?|teams?|"
    r"sprints?|releases?|tickets?|users?|customers?|nodes?|replicas?|instances?|shards?|partitions?|times|per)"
    r"|\b\d+(?:\.\d+)?%|\bp(?:50|90|95|99|999)\b|\b\d+:\d+\b|\$\d+"
    r"|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty|thirty|fifty|hundred)\s+"
    r"(?:percent|minutes?|hours?|days?|weeks?|months?|quarters?|sprints?|engineers?|people|releases?|times)\b",
    re.IGNORECASE,
)
_ACRONYM = re.compile(r"\b[A-Z][A-Z0-9]{1,6}s?\b")
ACRONYM = _ACRONYM  # also read by offline/substance.py (an everyday acronym ties no sentence)
CLOCK = re.compile(r"\b\d{1,2}:\d{2}\b")  # a time of day, not a ratio ("3:1"): read by offline/substance.py (said of anything)
_PROPER = re.compile(r"(?<=[a-z0-9,;:(] )[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]+)*\b|\b[A-Z][a-z]+[A-Z][A-Za-z]+\b")
_IDENTIFIER = re.compile(r"\b[a-z]+_[a-z_]+\b|\b[a-z]+\.[a-z]+\(|`[^`]+`")

# Named tools, protocols and techniques an interviewer recognises as concrete (lower-case is fine:
# hurried answers are often typed without capitals).
_TECH_TERMS = """
postgres,postgresql,mysql,sqlite,oracle,mongodb,dynamodb,cassandra,redis,memcached,elasticsearch,kafka,rabbitmq,sqs,sns,
kinesis,pulsar,nats,celery,sidekiq,s3,rds,aurora,bigquery,snowflake,spark,airflow,kubernetes,k8s,docker,helm,terraform,
ansible,nginx,envoy,istio,linkerd,grpc,graphql,rest,websocket,http/2,tls,mtls,oauth,oauth2,oidc,saml,jwt,jwks,pkce,bcrypt,
argon2,scrypt,hmac,kms,vault,iam,rbac,abac,waf,csrf,xss,cors,owasp,sast,dast,sca,snyk,dependabot,sonarqube,semgrep,
prometheus,grafana,datadog,new relic,honeycomb,opentelemetry,jaeger,zipkin,splunk,sentry,pagerduty,opsgenie,statuspage,
jenkins,github actions,gitlab ci,circleci,argo,argocd,spinnaker,flyway,liquibase,alembic,pgbouncer,explain analyze,explain,
pg_stat_statements,slow query log,query plan,index,composite index,covering index,partial index,read replica,replica,
sharding,partitioning,materialized view,denormalization,normalization,3nf,acid,mvcc,isolation level,two-phase commit,
saga,outbox,idempotency key,idempotent,dead letter,dead-letter queue,dlq,backpressure,circuit breaker,bulkhead,timeout,
exponential backoff,jitter,retry budget,rate limit,token bucket,leaky bucket,sliding window,lua,consistent hashing,
cdn,ttl,cache-aside,write-through,write-behind,cache invalidation,stampede,thundering herd,lru,bloom filter,
blue-green,blue/green,canary,feature flag,dark launch,rollback,expand-contract,expand and contract,backfill,
strangler fig,event sourcing,cqrs,domain-driven,bounded context,hexagonal,monolith,modular monolith,microservice,
contract test,contract testing,pact,testcontainers,property-based,mutation testing,fuzzing,unit test,integration test,
end-to-end,e2e,load test,k6,locust,jmeter,chaos,game day,slo,sli,sla,error budget,rto,rpo,mttr,mttd,p99,p95,
postmortem,post-mortem,blameless,runbook,on-call,incident commander,severity,sev1,sev2,rfc,adr,design doc,design review,
okr,okrs,kpi,dora,lead time,cycle time,deployment frequency,change failure rate,velocity,burndown,story points,
planning poker,monte carlo,confidence interval,t-shirt sizing,wip limit,kanban,scrum,retro,retrospective,
1:1,1:1s,one-on-one,one-on-ones,skip-level,pip,performance improvement plan,career ladder,growth plan,pairing,
pair programming,mob programming,code review,pull request,trunk-based,ci/cd,linter,static analysis,sonar,
stakeholder map,raci,disagree and commit,working agreement,tech radar,spike,proof of concept,prototype,a/b test,
"""
_TECH = re.compile(r"(?<![\w-])(?:" + _alternation(_TECH_TERMS.replace("\n", "")) + r")(?![\w-])", re.IGNORECASE)

_OWNERSHIP = re.compile(
    r"\b(?:i|we)\s+(?:then\s+|also\s+|first\s+)?(?:decided|chose|introduced|set up|built|wrote|led|drove|pushed|proposed|"
    r"designed|created|started|ran|changed|moved|made|measured|rolled|added|replaced|negotiated|asked|agreed|owned|"
    r"established|put in place|instituted|defined|insisted|required|reserved|budgeted|tracked|reviewed|paired|"
    r"split|cut|shipped|migrated|declared|escalated|mapped|presented|brought|framed|scheduled|automated|"
    r"instrumented|profiled|benchmarked|documented|wrote up|sat down|dug into|traced|found|fixed|learned|realised|realized)\b"
    r"|\bmy (?:first (?:move|step)|rule|default|job was|role was|goal was|call)\b|\bi (?:personally|insist)\b"
    r"|\b(?:last|this) (?:year|quarter|month)\b|\bat my (?:last|current|previous)\b|\bon my (?:last|current|previous) team\b",
    re.IGNORECASE,
)
_REASONING = re.compile(
    r"\btrade-?offs?\b|\bat the (?:cost|expense) of\b|\bdownside\b|\bupside\b|\bthe cost\b|\bcosts?\b|\brather than\b|"
    r"\binstead of\b|\bit depends\b|\bdepending on\b|\bunless\b|\bonly (?:when|if|for)\b|\bexcept\b|\botherwise\b|"
    r"\bbalanc(?:e|ing)\b|\bweigh(?:ed|ing)?\b|\brisks?\b|\bbecause\b|\bso that\b|\bwhich means\b|\bthat way\b|"
    r"\bthe reason\b|\bin exchange\b|\bworth it\b|\bwhen (?:not|to)\b|\bif not\b|\bthe catch\b|\bcaveat\b",
    re.IGNORECASE,
)

_POOR_KINDS: dict[str, str] = {
    # waiting for trouble
    "reactive": r"\bwhen (?:it|they|something|that|things?) (?:becomes?|gets?|breaks?|goes|go|comes? up|blows? up)\b|"
    r"\bif (?:something|it|anything|that) (?:is |gets |ever )?(?:actually |really |still )?(?:breaks?|broken|goes wrong|fails|slow|a problem)\b|"
    r"\bwe(?:'ll| will)? fix (?:it|them) (?:then|later|when|if|quickly|afterwards)\b|\breactive(?:ly)?\b|\bcan wait\b|"
    r"\b(?:clean|tidy|patch|sort) (?:it|things|that)? ?(?:up )?(?:later|afterwards)\b|\bmove on\b|\bmoved on\b|"
    r"\bnever (?:found|needed|had)\b|\bwait (?:until|for)\b|\bas (?:it|they) comes? up\b|\bwhen it comes up\b|"
    r"\bas (?:they|issues|problems|things) (?:arise|come up|happen)\b|\bwhen (?:we have|there'?s|there is) (?:some )?time\b|"
    r"\bwhen the schedule allows\b|\bfirefight\w*\b|\bjust in case\b|\bchange course later\b|"
    r"\b(?:refactor|fix|deal with|handle|clean|address|worry about|sort)\w* (?:it |that |them |things )?(?:up )?later\b|"
    r"\bsomeday\b|\bwhen (?:users|customers|people) complain\b|\bafter (?:an|the) (?:incident|outage) (?:happens|occurs)\b|"
    r"\b(?:when|once|if|until) (?:it|that|this|they|something|anything|the \w+) (?:actually |really |starts? to |begins? to )?"
    r"(?:becomes?|turns? into|is) (?:a |an )?(?:real |actual |serious )?(?:blocker|problem|issue|bottleneck|fire|emergency)\b|"
    r"\b(?:when|once|if) (?:bugs|errors|complaints) (?:pile up|start piling|show up)\b|"
    r"\bcross that bridge\b|\bwhen the time comes\b|"
    r"\bwhen (?:someone|anyone|users?|customers?|clients?|developers?|devs|people|the team) (?:complains?|reports? it|notices?|asks?)\b|"
    r"\bafter the fact\b|\bdown the (?:road|line)\b|\bdeal with (?:it|that|them) then\b",
    # someone else's job
    "hand_off": r"\b(?:qa|the qa team|the security team|security team|the dba|our dba|ops|the ops team|the framework|our framework|"
    r"the cloud provider|our cloud provider|the platform team|the business|product|leadership|hr|the orm|the vendor|"
    r"(?:the |our )?(?:devops|operations|infra|infrastructure|sre) team|management)\b"
    r"[^.;]{0,30}\b(?:handles?|takes? care|will catch|would catch|'d catch|catches|tests? everything|does|deals? with|"
    r"tells? us|tell us|responsibility|backs? up|covers?|is responsible|sends? us)\b|"
    r"\bnot my (?:job|problem|call|area)\b|\bsomeone else'?s?\b|\bout of the box\b|\btheir responsibility\b|"
    r"\b(?:'s|is) (?:the )?(?:[a-z]+ )?team'?s (?:job|responsibility|problem)\b|"
    r"\b(?:qa|security|ops|platform|infra|infrastructure|devops|sre|dba|data|compliance|operations|testing|release) "
    r"(?:team|people|folks|engineers?) (?:will|would|should|can|usually|normally)? ?(?:catch|handle|take care|deal|own|look after|sort)\w*\b|"
    r"\bleave (?:it|that|this|those|them|the details) (?:up )?to (?:the|our|them|him|her)\b|\b(?:that'?s|it'?s) (?:up to|for) (?:the|our) \w+ (?:team|people)\b|"
    r"\b(?:rely|relies|relying) (?:on|entirely on|mostly on) (?:the|our) (?:\w+ )?(?:team|provider|vendor|framework|tool|platform)\b|"
    r"\b(?:the|our) (?:cloud provider|vendor|platform|framework|library|tool|orm|provider) (?:already |just |automatically )?"
    r"(?:handles|takes care of|covers|does|manages|deals with) (?:it|that|this|all|everything|most|the rest)\b|\bhandled for us\b",
    # waving it away
    "dismissive": r"\bwaste of time\b|\bformality\b|\bacademic\b|\boverkill\b|\b(?:don't|do not|never|rarely) (?:really )?"
    r"(?:bother|worry|care|need|have time|look)\b|\bdon't really\b|\bnot (?:really )?(?:worth|needed|necessary|a big deal)\b|"
    r"\bslows? (?:us|things|everyone) down\b|\b(?:don't|do not|never) (?:spend|waste) (?:much )?time\b|\bgood enough\b|"
    r"\bnobody has time\b|\bon paper\b|\bget over it\b|\bnot much point\b|\bnice,? but\b|\bwho cares\b|"
    r"\bhonestly\b|\bwhatever\b|\bmostly (?:i|we) (?:just|let)\b|\bpretty good shape\b|\bwe'?re covered\b|\banyway\b|"
    r"\bthe business (?:doesn't|does not|don't) (?:really |usually )?care\b|\bit turned out fine\b|\busually (?:it's|it is) fine\b|"
    r"\bover-?engineer\w*\b|\bover-?think\w*\b|\bbureaucra\w*\b|\bred tape\b|\bbox-?ticking\b|\bpaperwork\b|"
    r"\bnot (?:a|our) (?:priority|concern|problem)\b|\bnever (?:been|had) (?:a|an|any) (?:problem|issue)s?\b|"
    r"\b(?:doesn't|does not) (?:really )?matter\b|\bnobody (?:reads|uses|looks at)\b|\bno one (?:reads|uses|looks at)\b|"
    r"\b(?:hasn't|has not|haven't|have not) (?:been|caused) (?:a|an|any) (?:problem|issue)s?\b|\bit'?s (?:always )?been fine\b",
    # shortcuts and heroics
    "shortcut": r"\b(?:we|i|you|they) (?:can |could |'ll |will |would )?just\b|\bjust (?:fix|ship|restart|add|tell|ask|do|push|deploy|let|use|put|pick|go|scale|spin|run|patch|write|copy|"
    r"hardcode|skip|stay|work|cut|throw)\w*\b|\b(?:work|working|worked) (?:late|weekends?|nights?|extra)\b|\bstay(?:s|ed)? late\b|"
    r"\bextra (?:evenings|hours|nights)\b|\bpush(?:ed)? harder\b|\bskip(?:s|ped|ping)? (?:tests?|testing|code review|reviews?)\b|"
    r"\bcut corners\b|\bdirectly (?:on|in|to) (?:prod|production)\b|\bbigger (?:machine|instance|server|database|box)\b|"
    r"\bscale up\b|\bhardware is cheap\b|\bdisk is cheap\b|\brestart(?:ed)? (?:the|it)\b|\bmanually\b|"
    r"\bi jump in\b|\bi (?:usually )?(?:just )?(?:fixed|fix|do) (?:it|the code) (?:myself|for them)\b|\bdrop what\b|"
    r"\bwe can always\b|\bcould always\b|\bthat'?s how you introduce\b|\bas long as (?:it|the \w+) (?:works|deploys|runs)\b|"
    r"\ball-?nighters?\b|\blate nights?\b|\bwhatever it takes\b|\b(?:i|i'll|i will) (?:just )?(?:do|handle|take care of|fix) (?:it|them|that|everything) myself\b|"
    r"\bquick fix\w*\b|\bstraight (?:in)?to (?:prod|production|main|master)\b|\bthrow (?:more )?(?:hardware|servers|money|people|bodies)\b|"
    r"\badd (?:more )?(?:servers|instances|hardware|machines|memory|cpu)\b|\bmore (?:hardware|servers|instances|machines)\b",
    # blame and coercion
    "blame": r"\bblame[sd]?\b|\b(?:their|his|her|your|whose|my) fault\b|\bmake sure they know\b|\bstep up\b|\bpulling their weight\b|\btell (?:them|people) straight\b|"
    r"\bin (?:the|front of the) team\b|\bpublicly\b|\bcall(?:ed)? (?:them|people) out\b|\bwalk all over\b|\bbe firm\b|"
    r"\bdrag (?:the|us)\b|\bgo with whoever\b|\bwhoever is (?:more )?senior\b|\bpush them\b|\bdeadlines are commitments\b|"
    r"\bthey(?:'ll| will) (?:walk|complain)\b|\bpeople are adults\b",
    # absolutes that replace judgement
    "absolute": r"\b(?:is|are) (?:easy|simple|the future|legacy|always (?:better|right|faster))\b|^\s*(?:easy|simple)\b|"
    r"(?<=[.!?:] )(?:easy|simple)[.:!]|\b\w+ always wins\b|\bmake themselves\b|\bgoes away\b|\balways (?:choose|use|go with)\b|"
    r"\bnever need\b|\bindustry best practice\b|\bthe (?:best|only|modern) way\b|\bpretty straightforward\b|\byou just\b|"
    r"\beasier than ever\b|\bbetter than (?:monoliths|sql|the old)\b|\bfor any (?:significant )?project\b|"
    r"\b(?:always|just) works\b|\bnever (?:fails|breaks|goes down)\b|\b100% (?:safe|secure|reliable|sure|covered)\b|"
    r"\b(?:no|never any) need (?:to|for)\b|\b(?:solves|handles|takes care of|covers) (?:it all|everything|all of (?:it|that))\b|"
    r"\bthat'?s all you need\b|\bnothing (?:else )?to worry about\b|\bobviously\b|\bbullet-?proof\b|\bfool-?proof\b",
}
_POOR = {kind: re.compile(pattern, re.IGNORECASE) for kind, pattern in _POOR_KINDS.items()}

# The stance of an answer, beyond its substance: poor answers state things as certainties
# ("always", "never", "just", "basically"), wave practices away as unnecessary ("overrated",
# "isn't really needed", "I'd rather"), and say what they don't do. Mediocre answers rarely do
# any of these: they list sensible practices without depth. Great answers do state certainties
# and negate things too, which is why these count only between poor and mediocre (``grading.py``).
_CERTAINTY = re.compile(
    r"\b(?:always|never|everything|every single|all of|nothing|nobody|no one|completely|entirely|totally|exactly|"
    r"impossible|guarantee\w*|really|basically|honestly|simply|just|pretty much|of course|obviously|clearly|definitely|super)\b"
    r"|\b100%",
    re.IGNORECASE,
)
_DISMISSAL = re.compile(
    r"\b(?:overrated|outdated|overused|trivial|plenty|premature|bureaucra\w*|academic|overkill|good shape|my philosophy|"
    r"i'?d rather|i'm proud|proud|(?:i'm|i am) (?:a )?(?:big |firm |strong )?believer)\b"
    r"|\b(?:not|isn't|aren't|never) (?:really |even |actually )?(?:needed|necessary|a concern|an issue|a problem|important|required)\b"
    r"|\b(?:don't|doesn't) (?:really )?(?:bother|matter)\b",
    re.IGNORECASE,
)
_NEGATION = re.compile(r"\b(?:don't|doesn't|isn't|aren't|won't|can't|never|no|not|nobody|nothing)\b", re.IGNORECASE)

_BUZZ = re.compile(
    r"\b(?:leverag\w*|synerg\w*|best-in-class|world-class|cutting-edge|game-?chang\w*|paradigm\w*|holistic\w*|"
    r"seamless\w*|empower\w*|unlock\w*|journey|transformation\w*|innovat\w*|next-gen\w*|single pane of glass|"
    r"ai-driven|data-driven|cloud-native|future-proof\w*|north star|move the needle|state-of-the-art|disrupt\w*|agility|"
    r"ecosystem|actionable insights?|operational excellence|delight\w*|mindset|at scale|shift-left|end to end|"
    r"lightning|robust|passionate|excellence|value-add|stakeholder alignment|thought leadership|best practices?)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Signals:
    words: int
    numbers: int
    named: int  # distinct named tools, techniques, acronyms and identifiers
    ownership: int
    reasoning: int
    poor_kinds: dict[str, int] = field(default_factory=dict)
    buzzwords: int = 0
    certainty: int = 0  # absolutes and intensifiers ("always", "never", "just", "basically"), every use counted
    dismissal: int = 0  # concerns waved away, conviction instead of reasons ("overrated", "isn't really needed", "I'd rather")
    negations: int = 0  # "don't", "isn't", "never", "no", ... every use counted

    @property
    def poor_language(self) -> int:
        return sum(self.poor_kinds.values())

    @property
    def concrete(self) -> int:
        return self.numbers + self.named

    def poor_labels(self) -> list[str]:
        return [kind for kind, n in self.poor_kinds.items() if n]


def named_terms(text: str) -> set[str]:
    """Named tools, techniques, acronyms and identifiers, as written (deduplicated ignoring case)."""
    found: dict[str, str] = {}
    for pattern in (_TECH, _ACRONYM, _PROPER, _IDENTIFIER):
        for match in pattern.finditer(text):
            term = match.group(0)
            found.setdefault(term.lower(), term)
    return {term for key, term in found.items() if key not in _NOT_NAMED}


_NOT_NAMED = frozenset({"i", "ok", "it", "us", "we", "a", "qa", "hr", "pm", "vp", "ceo", "cto", "api", "ui", "the"})


_NEGATED = re.compile(r"\b(?:not|don't|do not|never|no|avoid|avoiding|without|instead of|rather than|nobody|stop)\s+(?:\w+\s+){0,2}$", re.IGNORECASE)


def _distinct(pattern: re.Pattern[str], text: str, *, skip_negated: bool = False) -> int:
    """Distinct matches: saying the same thing twice is not twice the substance.

    With ``skip_negated``, a phrase right after a negation ("not to work late",
    "instead of just restarting it") does not count: the speaker is rejecting it.
    """
    found = set()
    for match in pattern.finditer(text):
        if skip_negated and _NEGATED.search(text[max(0, match.start() - 40) : match.start()]):
            continue
        found.add(" ".join(match.group(0).lower().split()))
    return len(found)


def stance_phrases(text: str, kind: str, limit: int = 3) -> list[str]:
    """The answer's own words behind a stance signal ("certainty" or "dismissal"), first ones first, to quote back."""
    pattern = {"certainty": _CERTAINTY, "dismissal": _DISMISSAL}[kind]
    found: dict[str, str] = {}
    for match in pattern.finditer(text):
        phrase = " ".join(match.group(0).split())
        found.setdefault(phrase.lower(), phrase)
    return list(found.values())[:limit]


def signals(text: str) -> Signals:
    return Signals(
        words=len(words(text)),
        numbers=_distinct(_NUMBER, text),
        named=len(named_terms(text)),
        ownership=_distinct(_OWNERSHIP, text),
        reasoning=_distinct(_REASONING, text),
        poor_kinds={kind: _distinct(pattern, text, skip_negated=True) for kind, pattern in _POOR.items()},
        buzzwords=_distinct(_BUZZ, text),
        certainty=len(_CERTAINTY.findall(text)),
        dismissal=len(_DISMISSAL.findall(text)),
        negations=len(_NEGATION.findall(text)),
    )


_HEADCOUNT = re.compile(
    r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty|thirty|fifty|hundred)\s*"
    r"(?:engineers?|people|devs?|teams?)",
    re.IGNORECASE,
)


_ANY_NEGATION = re.compile(r"\b(?:no|not|never|nobody|nothing|none|without)\b|n't\b|n’t\b", re.IGNORECASE)

# What names something (``carries_named``, beside a number), and the stances said of anything; ``carries_stance``
# looks for both.
_NAMED_PATTERNS = (_TECH, _ACRONYM, _IDENTIFIER)
_SAID_OF_ANYTHING = (_OWNERSHIP, _REASONING, *_POOR.values(), _BUZZ, _DISMISSAL, _ANY_NEGATION)


def carries_detail(text: str) -> bool:
    """Whether ``text`` has a number with a unit or states a certainty ("just", "always"): weighed by the grader, but
    said of anything ("six people", "had just joined"), so a sign of substance only beside the question's material."""
    return bool(_HEADCOUNT.search(text) or _CERTAINTY.search(text))


def carries_named(text: str) -> bool:
    """Whether ``text`` names something: a number with a unit (not a headcount), a tool or technique, an acronym, an
    identifier. Said of a setting only by name ("Our VP", "in March 2019"), which ``offline/substance`` takes out first."""
    if any(not _HEADCOUNT.fullmatch(m.group(0)) for m in _NUMBER.finditer(text)):
        return True
    return any(pattern.search(text) for pattern in _NAMED_PATTERNS)


def carries_stance(text: str) -> bool:
    """Whether ``text`` names something (``carries_named``) or takes a stance that could be said of anything: ownership,
    reasoning, the poor answer's language, buzzwords, a practice waved away, a negation."""
    return carries_named(text) or any(pattern.search(text) for pattern in _SAID_OF_ANYTHING)

/**
 * Server-side template injection: template delimiters (`{{ }}`, `${ }`, `#{ }`, `<%= %>`, `{% %}`, `*{ }`)
 * around an expression a template engine would evaluate — arithmetic probes (`{{7*7}}`), Python object walks
 * (`__class__`, `__mro__`, `__globals__`), engine internals (`config`, `self`, `request.application`, `lipsum`),
 * Java class access (`T(java.lang.Runtime)`, `freemarker.template.utility.Execute`, `.getClass(`) and ERB/EL
 * system calls. Plain placeholders such as `{{name}}` do not fire. Rule ids `ssti.<what>`.
 */
import { ALL_PARTS, CharClass, type AttackDetector, type ScanValue } from '../attack.types.ts';

const ARITH = /(\{\{|\$\{|#\{|\*\{|<%=?|\{%|@\{|\[\[|\{\{=)\s*[-+]?\d+\s*[*+\-/%]\s*['"]?\d+['"]?\s*(\}\}|\}|%>|%\}|\]\])/;
const PY_WALK = /__(class|mro|subclasses|globals|builtins|init|base|bases|import|getattribute|dict)__/;
const INTERNALS = /(\{\{|\{%)[^}]*(config|self\b|request\.|lipsum|cycler|joiner|namespace|range\(|\.constructor|url_for|get_flashed_messages|\|attr|import|os\.popen|subprocess|settings\.)/;
const JAVA = /(t\(java\.|freemarker\.template\.utility\.|\.getclass\(\)|\.forname\(|java\.lang\.runtime|new\(\)\s*\(|#set\s*\(\s*\$|\$class\.inspect|#\{.*(runtime|processbuilder|getruntime))/;
const ERB = /<%=?\s*(system|exec|eval|`|io\.popen|file\.read|%x|require)/;
const STATEMENT = /(\{%|<%)\s*(if|for|set|import|include|extends|macro|raw|debug|endif|print|each|while|end)\b[^%]*%(\}|>)/;

/** Detects server-side template injection. */
export const sstiDetector: AttackDetector = {
  family: 'ssti',
  needs: CharClass.Brace | CharClass.Angle | CharClass.Bracket | CharClass.Underscore | CharClass.Paren,
  // object walks need `__`, which inert values do not have
  triggers: [],
  parts: ALL_PARTS,
  detect(v: ScanValue): string | null {
    const s = v.lower;
    if (v.mask & (CharClass.Brace | CharClass.Angle | CharClass.Bracket) && ARITH.test(s)) return 'ssti.arithmetic_probe';
    if (v.mask & CharClass.Underscore && PY_WALK.test(s)) return 'ssti.object_walk';
    if (v.mask & CharClass.Brace && INTERNALS.test(s)) return 'ssti.engine_internals';
    if (v.mask & CharClass.Paren && JAVA.test(s)) return 'ssti.java_class';
    if (v.mask & CharClass.Angle && ERB.test(s)) return 'ssti.erb_code';
    if (v.mask & (CharClass.Brace | CharClass.Angle) && STATEMENT.test(s)) return 'ssti.template_statement';
    return null;
  },
};

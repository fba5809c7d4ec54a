"""Custom surfaces typed by the user: f(x, y) as text → safe parse → exact gradient → program.

Nothing the user types is ever executed.  The text is parsed with Python's ``ast`` and checked
against a whitelist (numbers, x, y, + − * / **, and named math functions); anything else is
refused with a message pointing at the offending part.  The checked tree becomes a small
expression tree, which is differentiated here by the rules of calculus (sum, product, quotient,
power and chain rules) and compiled with its two partial derivatives into one stack program that
the compiled step loop interprets (see ``program``).  ``sign`` has no derivative worth the name;
a formula using it takes its gradient from central differences and ``Formula.exact_gradient``
says so.

The parser must be fast on *any* text, so nothing here can blow up:

- the length, the number of parts and the nesting depth are bounded;
- every part without x or y is computed at once in float64 (as the kernels would) and must be a
  finite real number of at most ``MAX_CONSTANT``: ``exp(exp(10**64))``, ``((2**64)**64)**64`` and
  exact fractions with millions of digits never come to exist;
- each node is differentiated once, so the work grows with (parts × depth), and the program,
  derivatives included, is cut off at ``MAX_PROGRAM`` rows.

(A computer-algebra system cannot promise that: SymPy's derivative of a random 270-character
formula took 38 s and had half a million operations, from its handling of complex arguments.)
"""
from __future__ import annotations

import ast
import warnings
import math
import operator
from dataclasses import dataclass

import numpy as np

from . import program as vm

MAX_LENGTH = 500
MAX_DEPTH = 40
MAX_NODES = 400
MAX_EXPONENT = 64  # constant powers beyond this are refused: they only make overflow
MAX_CONSTANT = 1e100  # every number, typed or computed from typed numbers
MAX_PROGRAM = 4096

# An expression is a tuple: ("x",), ("y",), ("num", value), (operator, a, b) for + - * / **, or
# (function name, a).
X, Y = ("x",), ("y",)


def _num(value: float) -> tuple:
    return ("num", float(value))


ZERO, ONE, TWO, MINUS_ONE = _num(0), _num(1), _num(2), _num(-1)


def _sign(v: float) -> float:
    return float((v > 0) - (v < 0))


# name → (opcode, float64 function that folds a constant argument)
FUNCTIONS = {
    "sin": (vm.SIN, math.sin), "cos": (vm.COS, math.cos), "tan": (vm.TAN, math.tan), "exp": (vm.EXP, math.exp),
    "log": (vm.LOG, math.log), "sqrt": (vm.SQRT, math.sqrt), "tanh": (vm.TANH, math.tanh), "abs": (vm.ABS, abs),
    "atan": (vm.ATAN, math.atan), "sinh": (vm.SINH, math.sinh), "cosh": (vm.COSH, math.cosh),
    "sign": (vm.SIGN, _sign),
}
BINARY = {"+": (vm.ADD, operator.add), "-": (vm.SUB, operator.sub), "*": (vm.MUL, operator.mul),
          "/": (vm.DIV, operator.truediv), "**": (vm.POW, operator.pow)}
_AST_OPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
_NAMED = {"pi": math.pi, "e": math.e}


class FormulaError(ValueError):
    """A formula that was refused; the message points at the offending part."""


@dataclass(frozen=True)
class Formula:
    text: str
    exact_gradient: bool  # False: the gradient comes from central differences
    program: np.ndarray  # packed (see ``program.pack``): rows of (opcode, constant) for f, fx, fy

    def evaluate(self, x: float, y: float) -> tuple[float, float, float]:
        return vm.evaluate(self.program, float(x), float(y))


# --------------------------------------------------------------------------- building expressions

def _value(expr) -> float | None:
    return expr[1] if expr[0] == "num" else None


def _ieee(fn, *args) -> float:
    """fn(*args) in float64, with inf for overflow and nan for what has no real value."""
    try:
        value = fn(*map(float, args))
    except OverflowError:
        return math.inf
    except (ArithmeticError, ValueError):  # division by zero, log or sqrt of a negative number
        return math.nan
    return math.nan if isinstance(value, complex) else float(value)


def op(name: str, a: tuple, b: tuple) -> tuple:
    """a (name) b, with constants folded and the trivial cases (0 + u, 1 * u, u ** 1 …) simplified."""
    va, vb = _value(a), _value(b)
    if va is not None and vb is not None:
        return _num(_ieee(BINARY[name][1], va, vb))
    if name == "+" and (va == 0 or vb == 0):
        return b if va == 0 else a
    if name == "-" and vb == 0:
        return a
    if name == "-" and va == 0:
        return op("*", MINUS_ONE, b)
    if name == "*" and (va == 0 or vb == 0):
        return ZERO
    if name == "*" and (va == 1 or vb == 1):
        return b if va == 1 else a
    if name == "/" and (va == 0 or vb == 1):
        return a
    if name == "**" and vb == 1:
        return a
    if name == "**" and vb == 0:
        return ONE
    return (name, a, b)


def call(name: str, a: tuple) -> tuple:
    value = _value(a)
    return (name, a) if value is None else _num(_ieee(FUNCTIONS[name][1], value))


# --------------------------------------------------------------------------- text → expression

def _where(node: ast.AST, text: str) -> str:
    col = getattr(node, "col_offset", 0)
    end = getattr(node, "end_col_offset", col + 1) or col + 1
    shown = text[col:end] if end - col <= 60 else text[col:col + 57] + "…"
    return f"at column {col + 1}: “{shown}”"


def _checked(expr: tuple, node: ast.AST, text: str) -> tuple:
    """A part without x or y must be a finite real number of at most MAX_CONSTANT."""
    value = _value(expr)
    if value is None or abs(value) <= MAX_CONSTANT:
        return expr
    if math.isnan(value):
        raise FormulaError(f"this part has no real value (division by zero, the log of zero or of a negative "
                           f"number, a square root or fractional power of a negative number) {_where(node, text)}")
    raise FormulaError(f"number too large (at most 1e{math.log10(MAX_CONSTANT):.0f}) {_where(node, text)}")


def _build(node: ast.AST, text: str, depth: int = 0) -> tuple:
    """The expression of a checked syntax tree node, or a FormulaError pointing at the part."""
    if depth > MAX_DEPTH:
        raise FormulaError(f"the formula is nested too deeply (more than {MAX_DEPTH} levels)")
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            raise FormulaError(f"only numbers are allowed as constants, {_where(node, text)}")
        return _checked(_num(_ieee(float, node.value)), node, text)
    if isinstance(node, ast.Name):
        if node.id in ("x", "y"):
            return (node.id,)
        if node.id in _NAMED:
            return _num(_NAMED[node.id])
        raise FormulaError(f"unknown name “{node.id}” {_where(node, text)}; use x, y, pi, e and "
                           f"the functions {', '.join(FUNCTIONS)}")
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        inner = _build(node.operand, text, depth + 1)
        return op("*", MINUS_ONE, inner) if isinstance(node.op, ast.USub) else inner
    if isinstance(node, ast.BinOp):
        if type(node.op) not in _AST_OPS:
            raise FormulaError(f"operator not allowed {_where(node, text)}; use + - * / **")
        name = _AST_OPS[type(node.op)]
        a = _build(node.left, text, depth + 1)
        b = _build(node.right, text, depth + 1)
        vb = _value(b)
        if name == "**" and vb is not None and abs(vb) > MAX_EXPONENT:
            raise FormulaError(f"exponent too large (at most {MAX_EXPONENT}) {_where(node, text)}")
        if name == "/" and vb == 0:
            raise FormulaError(f"division by zero {_where(node, text)}")
        return _checked(op(name, a, b), node, text)
    if isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            name = ast.unparse(node.func)[:40]
            raise FormulaError(f"calling “{name}” is not allowed {_where(node, text)}; "
                               f"allowed functions: {', '.join(FUNCTIONS)}")
        if node.keywords or len(node.args) != 1:
            raise FormulaError(f"{node.func.id} takes exactly one argument {_where(node, text)}")
        return _checked(call(node.func.id, _build(node.args[0], text, depth + 1)), node, text)
    kind = {ast.Attribute: "attribute access", ast.Lambda: "lambda", ast.Subscript: "indexing",
            ast.Compare: "comparison", ast.BoolOp: "and/or", ast.IfExp: "if/else",
            ast.NamedExpr: "assignment", ast.List: "a list", ast.Tuple: "a tuple"}.get(type(node), "this")
    raise FormulaError(f"{kind} is not allowed in a formula {_where(node, text)}")


# --------------------------------------------------------------------------- derivatives

class _NoDerivative(Exception):
    """sign(u): zero almost everywhere and a jump at u = 0; central differences say more."""


def derivative(e: tuple, var: tuple) -> tuple:
    """∂e/∂var (var is X or Y), exact, with constants folded."""
    kind = e[0]
    if kind in ("x", "y"):
        return ONE if e == var else ZERO
    if kind == "num":
        return ZERO
    if kind in BINARY:
        return _binary_derivative(kind, e[1], e[2], derivative(e[1], var), derivative(e[2], var))
    du = derivative(e[1], var)
    return ZERO if du == ZERO else op("*", _outer_derivative(kind, e[1]), du)


def _binary_derivative(kind: str, a, b, da, db) -> tuple:
    if kind in ("+", "-"):
        return op(kind, da, db)
    if kind == "*":
        return op("+", op("*", da, b), op("*", a, db))
    if kind == "/":
        if db == ZERO:
            return op("/", da, b)
        return op("/", op("-", op("*", da, b), op("*", a, db)), op("**", b, TWO))
    # a ** b
    if db == ZERO:  # b constant: b·a^(b−1)·a′
        return op("*", op("*", b, op("**", a, op("-", b, ONE))), da)
    # a^b · (b′·log a + b·a′/a)
    return op("*", op("**", a, b), op("+", op("*", db, call("log", a)), op("/", op("*", b, da), a)))


def _outer_derivative(name: str, u: tuple) -> tuple:
    """d name(u) / du."""
    if name == "sin":
        return call("cos", u)
    if name == "cos":
        return op("*", MINUS_ONE, call("sin", u))
    if name == "tan":
        return op("+", ONE, op("**", call("tan", u), TWO))
    if name == "exp":
        return call("exp", u)
    if name == "log":
        return op("/", ONE, u)
    if name == "sqrt":
        return op("/", ONE, op("*", TWO, call("sqrt", u)))
    if name == "tanh":
        return op("-", ONE, op("**", call("tanh", u), TWO))
    if name == "abs":
        return call("sign", u)
    if name == "atan":
        return op("/", ONE, op("+", ONE, op("**", u, TWO)))
    if name == "sinh":
        return call("cosh", u)
    if name == "cosh":
        return call("sinh", u)
    raise _NoDerivative(name)


# --------------------------------------------------------------------------- expression → program

def _compile(e: tuple, out: list) -> None:
    """Append the stack program of ``e`` (post-order) to ``out``."""
    if len(out) > MAX_PROGRAM:
        raise FormulaError(f"the formula with its derivatives is too large (more than {MAX_PROGRAM} steps); "
                           "try a shorter formula")
    kind = e[0]
    if kind == "num":
        out.append((vm.PUSH_CONST, e[1]))
    elif kind in ("x", "y"):
        out.append((vm.PUSH_X if kind == "x" else vm.PUSH_Y, 0.0))
    elif kind in BINARY:
        _compile(e[1], out)
        _compile(e[2], out)
        out.append((BINARY[kind][0], 0.0))
    else:
        _compile(e[1], out)
        out.append((FUNCTIONS[kind][0], 0.0))


def _syntax_tree(text) -> tuple[str, ast.Expression]:
    """The checked text (``^`` read as a power) and its syntax tree, or a FormulaError saying why not."""
    if not isinstance(text, str) or not text.strip():
        raise FormulaError("type a formula in x and y, e.g. x**2 + 10*y**2")
    if len(text) > MAX_LENGTH:
        raise FormulaError(f"the formula is too long ({len(text)} characters; at most {MAX_LENGTH})")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:  # a lone surrogate: the name could never be saved to a file
        raise FormulaError(f"the formula contains an invalid character at column {exc.start + 1}") from None
    text = text.strip().replace("^", "**")
    try:
        with warnings.catch_warnings():  # "invalid decimal literal" for 2x: the error below says it better
            warnings.simplefilter("ignore", SyntaxWarning)
            tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        raise FormulaError(f"cannot read the formula at column {exc.offset or 1}: {exc.msg}") from None
    except (ValueError, RecursionError, MemoryError):  # null bytes; a parser stack overflow
        raise FormulaError("cannot read the formula: it contains a null character or is nested too deeply") from None
    if sum(1 for _ in ast.walk(tree)) > MAX_NODES:
        raise FormulaError(f"the formula has too many parts (at most {MAX_NODES})")
    return text, tree


def parse(text: str) -> Formula:
    """Check, differentiate and compile ``text``; raises :class:`FormulaError` saying why not."""
    text, tree = _syntax_tree(text)
    f = _build(tree.body, text)
    if _value(f) is not None:
        raise FormulaError("the formula must depend on x or y")
    program: list = []
    _compile(f, program)
    starts = [0, len(program)]
    try:
        fx, fy = derivative(f, X), derivative(f, Y)
    except _NoDerivative:
        exact = False
    else:
        exact = True
        _compile(fx, program)
        starts.append(len(program))
        _compile(fy, program)
    if not exact:
        starts.append(len(program))  # an empty gradient part: the loops use central differences
    starts.append(len(program))
    return Formula(text, exact, vm.pack(np.array(program, dtype=np.float64).reshape(-1, 2), starts))

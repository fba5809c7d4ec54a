"""Custom surfaces typed by the user: f(x, y) as text → safe parse → exact gradient → program.

Nothing the user types is ever executed.  The text is parsed with Python's ``ast`` and checked
against a whitelist (numbers, x, y, + − * / **, and named math functions); anything else is
refused with a message pointing at the offending part.  The checked tree is turned into a SymPy
expression node by node (never through ``sympify``, which evaluates strings), SymPy
differentiates it, and f, ∂f/∂x, ∂f/∂y are compiled into one small stack program that the
compiled step loop interprets (see ``program``).  Where SymPy's derivative cannot be
expressed with the whitelisted operations, the gradient falls back to central differences and
``Formula.exact_gradient`` says so.
"""
from __future__ import annotations

import ast
import math
from dataclasses import dataclass

import numpy as np

from . import program as vm

MAX_LENGTH = 500
MAX_DEPTH = 40
MAX_NODES = 400
MAX_EXPONENT = 64  # integer powers beyond this are refused: they only make overflow
MAX_PROGRAM = 4096

# name → (SymPy function name, opcode)
FUNCTIONS = {
    "sin": ("sin", vm.SIN), "cos": ("cos", vm.COS), "tan": ("tan", vm.TAN), "exp": ("exp", vm.EXP),
    "log": ("log", vm.LOG), "sqrt": ("sqrt", vm.SQRT), "tanh": ("tanh", vm.TANH), "abs": ("Abs", vm.ABS),
    "atan": ("atan", vm.ATAN), "sinh": ("sinh", vm.SINH), "cosh": ("cosh", vm.COSH), "sign": ("sign", vm.SIGN),
}


class FormulaError(ValueError):
    """A formula that was refused; the message points at the offending part."""


@dataclass(frozen=True)
class Formula:
    text: str
    f: object  # SymPy expressions
    fx: object
    fy: object
    exact_gradient: bool  # False: the gradient comes from central differences
    program: np.ndarray  # packed (see ``program.pack``): rows of (opcode, constant) for f, fx, fy

    def evaluate(self, x: float, y: float) -> tuple[float, float, float]:
        return vm.evaluate(self.program, float(x), float(y))


def _where(node: ast.AST, text: str) -> str:
    col = getattr(node, "col_offset", 0)
    end = getattr(node, "end_col_offset", col + 1) or col + 1
    return f"at column {col + 1}: “{text[col:end]}”"


def _to_sympy(sp, node: ast.AST, text: str, depth: int = 0):
    if depth > MAX_DEPTH:
        raise FormulaError(f"the formula is nested too deeply (more than {MAX_DEPTH} levels)")
    if isinstance(node, ast.Expression):
        return _to_sympy(sp, node.body, text, depth + 1)
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            raise FormulaError(f"only numbers are allowed as constants, {_where(node, text)}")
        if not math.isfinite(node.value) or abs(node.value) > 1e100:
            raise FormulaError(f"number too large {_where(node, text)}")
        return sp.Integer(node.value) if isinstance(node.value, int) else sp.Float(node.value)
    if isinstance(node, ast.Name):
        if node.id in ("x", "y"):
            return sp.Symbol(node.id, real=True)
        if node.id == "pi":
            return sp.pi
        if node.id == "e":
            return sp.E
        raise FormulaError(f"unknown name “{node.id}” {_where(node, text)}; use x, y, pi, e and "
                           f"the functions {', '.join(FUNCTIONS)}")
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        inner = _to_sympy(sp, node.operand, text, depth + 1)
        return -inner if isinstance(node.op, ast.USub) else inner
    if isinstance(node, ast.BinOp):
        a = _to_sympy(sp, node.left, text, depth + 1)
        b = _to_sympy(sp, node.right, text, depth + 1)
        if isinstance(node.op, ast.Add):
            return a + b
        if isinstance(node.op, ast.Sub):
            return a - b
        if isinstance(node.op, ast.Mult):
            return a * b
        if isinstance(node.op, ast.Div):
            return a / b
        if isinstance(node.op, ast.Pow):
            if b.is_number and (not b.is_real or abs(float(b)) > MAX_EXPONENT):
                raise FormulaError(f"exponent too large (at most {MAX_EXPONENT}) {_where(node, text)}")
            return a ** b
        raise FormulaError(f"operator not allowed {_where(node, text)}; use + - * / **")
    if isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            name = ast.unparse(node.func)[:40]
            raise FormulaError(f"calling “{name}” is not allowed {_where(node, text)}; "
                               f"allowed functions: {', '.join(FUNCTIONS)}")
        if node.keywords or len(node.args) != 1:
            raise FormulaError(f"{node.func.id} takes exactly one argument {_where(node, text)}")
        return getattr(sp, FUNCTIONS[node.func.id][0])(_to_sympy(sp, node.args[0], text, depth + 1))
    kind = {ast.Attribute: "attribute access", ast.Lambda: "lambda", ast.Subscript: "indexing",
            ast.Compare: "comparison", ast.BoolOp: "and/or", ast.IfExp: "if/else",
            ast.NamedExpr: "assignment", ast.List: "a list", ast.Tuple: "a tuple"}.get(type(node), "this")
    raise FormulaError(f"{kind} is not allowed in a formula {_where(node, text)}")


def _compile(sp, expr, out: list) -> None:
    """Append the stack program of ``expr`` (post-order) to ``out``."""
    if len(out) > MAX_PROGRAM:
        raise FormulaError("the formula (with its derivatives) is too large")
    if expr.is_Symbol:
        out.append((vm.PUSH_X if expr.name == "x" else vm.PUSH_Y, 0.0))
    elif expr.is_number:
        value = complex(expr.evalf())
        if value.imag != 0 or not math.isfinite(value.real):
            raise FormulaError(f"the constant {expr} is not a finite real number")
        out.append((vm.PUSH_CONST, value.real))
    elif isinstance(expr, sp.Add):
        _compile(sp, expr.args[0], out)
        for arg in expr.args[1:]:
            _compile(sp, arg, out)
            out.append((vm.ADD, 0.0))
    elif isinstance(expr, sp.Mul):
        _compile(sp, expr.args[0], out)
        for arg in expr.args[1:]:
            _compile(sp, arg, out)
            out.append((vm.MUL, 0.0))
    elif isinstance(expr, sp.Pow):
        base, exp = expr.args
        if exp == -1:
            out.append((vm.PUSH_CONST, 1.0))
            _compile(sp, base, out)
            out.append((vm.DIV, 0.0))
        elif exp == sp.Rational(1, 2):
            _compile(sp, base, out)
            out.append((vm.SQRT, 0.0))
        else:
            _compile(sp, base, out)
            _compile(sp, exp, out)
            out.append((vm.POW, 0.0))
    elif expr.func.__name__ in _OPCODES and len(expr.args) == 1:
        _compile(sp, expr.args[0], out)
        out.append((_OPCODES[expr.func.__name__], 0.0))
    else:
        raise _Unsupported(str(expr.func))


class _Unsupported(Exception):
    pass


_OPCODES = {sympy_name: code for sympy_name, code in FUNCTIONS.values()}


def parse(text: str) -> Formula:
    """Check, differentiate and compile ``text``; raises :class:`FormulaError` saying why not."""
    if not isinstance(text, str) or not text.strip():
        raise FormulaError("type a formula in x and y, e.g. x**2 + 10*y**2")
    if len(text) > MAX_LENGTH:
        raise FormulaError(f"the formula is too long ({len(text)} characters; at most {MAX_LENGTH})")
    text = text.strip().replace("^", "**")
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        col = (exc.offset or 1)
        raise FormulaError(f"cannot read the formula at column {col}: {exc.msg}") from None
    if sum(1 for _ in ast.walk(tree)) > MAX_NODES:
        raise FormulaError(f"the formula has too many parts (at most {MAX_NODES})")
    import sympy as sp  # heavy: only when a formula is typed

    f = _to_sympy(sp, tree, text)
    x, y = sp.Symbol("x", real=True), sp.Symbol("y", real=True)
    if not f.has(x, y):
        raise FormulaError("the formula must depend on x or y")
    fx, fy = sp.diff(f, x), sp.diff(f, y)
    program: list = []
    try:
        _compile(sp, f, program)
    except _Unsupported as exc:
        raise FormulaError(f"cannot evaluate {exc} in a formula") from None
    starts = [0, len(program)]
    exact = True
    try:
        _compile(sp, fx, program)
        starts.append(len(program))
        _compile(sp, fy, program)
    except _Unsupported:
        exact = False  # e.g. derivatives of sign(): leave them to central differences
        del program[starts[1]:]
        starts.append(len(program))
    starts.append(len(program))
    return Formula(text, f, fx, fy, exact, vm.pack(np.array(program, dtype=np.float64).reshape(-1, 2), starts))


